import { expect, it } from 'vitest';
import type { RenderedModel } from './bindings/RenderedModel';
import type { PlaceholderValue } from './bindings/PlaceholderValue';
import { agoWords, keysSummary, kindFamily, pemSize, placeholderNames, previewShort, previewValue, valueSource } from './cards';

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

it('lists the placeholders a model uses once each, nested values included', () => {
  const bodies = [{ host: '%MQTT_HOST%', topic: 'acme/%MQTT_CLIENT_ID%/req', port: 1883 }, { nested: { list: ['%MQTT_HOST%', '%SITE%'] } }];
  expect(placeholderNames(bodies)).toEqual(['MQTT_HOST', 'MQTT_CLIENT_ID', 'SITE']);
  expect(placeholderNames([{ literal: '100%' }])).toEqual([]);
});

it('says where a field gets its value for the previewed device', () => {
  const v = (name: string, source: PlaceholderValue['source'], secret = false): [string, PlaceholderValue] => [
    name,
    { name, value: source ? 'x' : null, source, secret },
  ];
  const values = new Map([v('MQTT_HOST', 'project'), v('MQTT_CLIENT_ID', 'device'), v('MQTT_PASSWORD', 'device', true), v('GONE', null)]);
  expect(valueSource('8883', values)).toBe('literal');
  expect(valueSource('%MQTT_HOST%', values)).toBe('project');
  expect(valueSource('%MQTT_PASSWORD%', values)).toBe('device · secret');
  expect(valueSource('%MQTT_HOST%/%MQTT_CLIENT_ID%', values)).toBe('project + device');
  expect(valueSource('%GONE%', values)).toBe('unresolved');
  expect(valueSource('%NOT_ASKED_YET%', values)).toBe('…');
});

it('sizes a PEM by what it holds and how big it is', () => {
  expect(pemSize('x'.repeat(1331), { blocks: ['CERTIFICATE'], certificates: [{}] })).toBe('1 cert · 1.3 KB');
  expect(pemSize('x'.repeat(241), { blocks: ['PRIVATE KEY'], certificates: [] })).toBe('1 block · 241 B');
  expect(pemSize('x'.repeat(3000), { blocks: ['CERTIFICATE', 'CERTIFICATE'], certificates: [{}, {}] })).toBe('2 certs · 2.9 KB');
});

it('says how long ago an edit was', () => {
  expect(agoWords(10_000)).toBe('just now');
  expect(agoWords(-5)).toBe('just now');
  expect(agoWords(125_000)).toBe('2 min ago');
  expect(agoWords(3 * 3_600_000)).toBe('3 h ago');
  expect(agoWords(50 * 3_600_000)).toBe('2 d ago');
});
