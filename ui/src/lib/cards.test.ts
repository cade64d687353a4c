import { expect, it } from 'vitest';
import type { RenderedModel } from './bindings/RenderedModel';
import { keysSummary, kindFamily, previewShort, previewValue } from './cards';

it('puts every kind in one icon family', () => {
  expect(['mqtt-tcp', 'mqtt-tls', 'mqtt-http', 'mqtt-https', 'lwm2m-psk', 'lwm2m-bootstrap-nosec', 'ota', 'meterConfig'].map(kindFamily)).toEqual([
    'mqtt',
    'mqtt',
    'http',
    'http',
    'lwm2m',
    'lwm2m',
    'ota',
    'data',
  ]);
});

it('summarises a collapsed card, topics counted as one entry', () => {
  const keys = ['mqttHostName', 'mqttTcpPort', 'mqttUserName', 'mqttReqTopicName', 'mqttRespTopicName', 'mqttDataTopicName', 'remoteNetwork'];
  expect(keysSummary(keys)).toBe('mqttHostName · mqttTcpPort · mqttUserName · remoteNetwork · 3 topics');
  expect(keysSummary([])).toBe('');
  expect(keysSummary(['otaCert'])).toBe('otaCert');
});

it('reads the value a field takes for the previewed device', () => {
  const rendered = {
    templates: [{ kind: 'mqtt-tls', body: { mqttHostName: 'mqtt.acme.example', mqttSslPort: 8883 } }],
    dataBlocks: [],
  } as unknown as RenderedModel;
  expect(previewValue(rendered, 0, 'mqttHostName')).toBe('mqtt.acme.example');
  expect(previewValue(rendered, 0, 'mqttSslPort')).toBe('8883');
  expect(previewValue(rendered, 0, 'mqttPassword')).toBeNull();
  expect(previewValue(rendered, 3, 'mqttHostName')).toBeNull();
  expect(previewValue(null, 0, 'mqttHostName')).toBeNull();
});

it('shortens a previewed PEM to what it holds, and long text to the column', () => {
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  expect(previewShort(pem)).toBe(`PEM: 1 × certificate · ${pem.length} B`);
  expect(previewShort(pem + pem.replace(/CERTIFICATE/g, 'PRIVATE KEY'))).toMatch(/^PEM: 2 × certificate, private key · \d+ B$/);
  expect(previewShort('x'.repeat(100), 10)).toBe('xxxxxxxxx…');
  expect(previewShort('mqtt.acme.example')).toBe('mqtt.acme.example');
});
