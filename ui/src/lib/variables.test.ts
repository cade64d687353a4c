import { DEMO_DEFAULTS, LIMITS } from './testLimits';
import { describe, expect, it } from 'vitest';
import type { Catalog } from './bindings/Catalog';
import type { Model } from './bindings/Model';
import type { PlaceholderSpec } from './bindings/PlaceholderSpec';
import { customNames, variableChanges, variableGroups } from './variables';

const spec = (name: string, scope: 'project' | 'device', secret = false): PlaceholderSpec => ({
  name,
  description: '',
  scope,
  valueType: 'text',
  default: null,
  secret,
});

const catalog: Catalog = {
  kinds: [
    { kind: 'mqtt-tcp', title: 'MQTT · TCP', summary: '', transport: 'tcp', portKey: null, signatureKey: '', fields: [], checkVariables: [], rungs: [] },
    { kind: 'lwm2m-psk', title: 'LWM2M · DTLS-PSK', summary: '', transport: 'udp', portKey: null, signatureKey: '', fields: [], checkVariables: [], rungs: [] },
    { kind: 'ota', title: 'OTA', summary: '', transport: 'tcp', portKey: null, signatureKey: '', fields: [], checkVariables: ['OTA_CONTROLLER_ID', 'OTA_KEY_PASSPHRASE'], rungs: [] },
  ],
  placeholders: [
    spec('MQTT_HOST', 'project'),
    spec('MQTT_CLIENT_ID', 'device'),
    spec('MQTT_PASSWORD', 'device', true),
    spec('LWM2M_PSK_IDENTITY', 'device'),
    spec('OTA_CERT', 'device'),
    spec('OTA_CONTROLLER_ID', 'device'),
    spec('OTA_KEY_PASSPHRASE', 'device', true),
  ],
  aliases: [['LWM2M_PSK_IDENITY', 'LWM2M_PSK_IDENTITY']],
  limits: LIMITS,
  variableNamePattern: '^[A-Za-z][A-Za-z0-9_]*$',
  hexTwins: [['LWM2M_PSK_VALUE', 'LWM2M_PSK_VALUE_HEX']],
  demoDefaults: DEMO_DEFAULTS,
  checkBudget: { rungMs: 3000, checkMs: 15000, portMs: 1000 },
  services: [],
};

const model: Model = {
  name: 'm',
  description: '',
  templates: [
    { kind: 'mqtt-tcp', body: { mqttHostName: '%MQTT_HOST%', mqttClientId: '%MQTT_CLIENT_ID%', mqttPassword: '%MQTT_PASSWORD%' } },
    { kind: 'lwm2m-psk', body: { lwm2mPSKIdentity: '%LWM2M_PSK_IDENITY%', e: '%MQTT_CLIENT_ID%' } },
  ],
  dataBlocks: [{ name: 'b', body: { site: '%SITE_CODE%' } }],
};

describe('variableGroups', () => {
  it('groups device variables by the first template that uses them, following aliases', () => {
    expect(variableGroups(model, catalog, 'device').map((g) => [g.title, g.specs.map((s) => s.name)])).toEqual([
      ['MQTT · TCP', ['MQTT_CLIENT_ID', 'MQTT_PASSWORD']],
      ['LWM2M · DTLS-PSK', ['LWM2M_PSK_IDENTITY']],
    ]);
    expect(variableGroups(model, catalog, 'project')[0]?.specs.map((s) => s.name)).toEqual(['MQTT_HOST']);
  });

  it('asks for the variables a check reads that its template does not name', () => {
    const ota: Model = { ...model, templates: [{ kind: 'ota', body: { otaCert: '%OTA_CERT%' } }], dataBlocks: [] };
    expect(variableGroups(ota, catalog, 'device').map((g) => g.specs.map((s) => s.name).sort())).toEqual([
      ['OTA_CERT', 'OTA_CONTROLLER_ID', 'OTA_KEY_PASSPHRASE'],
    ]);
  });

  it('lists custom placeholders separately', () => {
    expect(customNames(model, catalog)).toEqual(['SITE_CODE']);
  });
});

describe('variableChanges', () => {
  it('sets what changed and unsets what was cleared or removed', () => {
    expect(variableChanges({ A: '1', B: '2', C: '3' }, { A: '1', B: '20', C: '', D: '4' })).toEqual({
      set: { B: '20', D: '4' },
      unset: ['C'],
    });
    expect(variableChanges({ A: '1' }, {})).toEqual({ set: {}, unset: ['A'] });
  });
});
