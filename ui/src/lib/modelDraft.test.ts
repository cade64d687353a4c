import { describe, expect, it } from 'vitest';
import type { KindSpec } from './bindings/KindSpec';
import type { Model } from './bindings/Model';
import {
  addDataBlock,
  addTemplate,
  bodyText,
  History,
  moveTemplate,
  parseBody,
  removeTemplate,
  setField,
} from './modelDraft';

const tcp: KindSpec = {
  kind: 'mqtt-tcp',
  title: 'MQTT · TCP',
  summary: '',
  transport: 'tcp',
  portKey: 'mqttTcpPort',
  signatureKey: 'mqttTcpPort',
  fields: [
    { key: 'mqttHostName', canonical: '%MQTT_HOST%', valueType: 'host', secret: false, doc: '' },
    { key: 'mqttTcpPort', canonical: '%MQTT_TCP_PORT%', valueType: 'port', secret: false, doc: '' },
  ],
  checkVariables: [],
  rungs: ['dns', 'tcp', 'mqtt-connect', 'subscribe', 'publish'],
};
const empty: Model = { name: 'm', description: '', templates: [], dataBlocks: [] };

describe('History', () => {
  it('undoes and redoes, and knows when it is dirty', () => {
    const h = new History(empty);
    expect(h.dirty).toBe(false);
    h.push(addTemplate(h.current, tcp));
    h.push(setField(h.current, 0, 'mqttTcpPort', '1884'));
    expect(h.dirty).toBe(true);
    h.undo();
    expect(h.current.templates[0]?.body.mqttTcpPort).toBe('%MQTT_TCP_PORT%');
    h.redo();
    expect(h.current.templates[0]?.body.mqttTcpPort).toBe('1884');
    h.markSaved();
    expect(h.dirty).toBe(false);
    h.undo();
    expect(h.dirty).toBe(true);
    h.push(h.current);
    expect(h.canRedo).toBe(true);
  });

  it('merges typing in one field into one undo step', () => {
    const h = new History('');
    h.push('a', 'field', 0);
    h.push('ab', 'field', 300);
    h.push('abc', 'field', 600);
    h.push('abcd', 'other', 700);
    h.undo();
    expect(h.current).toBe('abc');
    h.undo();
    expect(h.current).toBe('');
    h.redo();
    h.push('abcX', 'field', 5000);
    h.undo();
    expect(h.current).toBe('abc');
  });

  it('drops the redo branch on a new edit', () => {
    const h = new History(1);
    h.push(2);
    h.undo();
    h.push(3);
    expect(h.canRedo).toBe(false);
    expect(h.current).toBe(3);
  });
});

describe('edits', () => {
  it('adds canonical bodies, moves and removes', () => {
    let m = addTemplate(addTemplate(empty, tcp), { ...tcp, kind: 'ota', fields: [] });
    expect(m.templates[0]?.body).toEqual({ mqttHostName: '%MQTT_HOST%', mqttTcpPort: '%MQTT_TCP_PORT%' });
    m = moveTemplate(m, 1, -1);
    expect(m.templates.map((t) => t.kind)).toEqual(['ota', 'mqtt-tcp']);
    expect(moveTemplate(m, 0, -1)).toEqual(m);
    expect(removeTemplate(m, 0).templates.map((t) => t.kind)).toEqual(['mqtt-tcp']);
  });

  it('names new data blocks uniquely', () => {
    const m = addDataBlock(addDataBlock(empty));
    expect(m.dataBlocks.map((b) => b.name)).toEqual(['block', 'block-2']);
  });
});

describe('parseBody', () => {
  it('accepts objects and explains everything else', () => {
    expect(parseBody('{"a": "1"}')).toEqual({ ok: true, body: { a: '1' } });
    const bad = parseBody('{"a": ');
    expect(bad.ok).toBe(false);
    expect(parseBody('[1]')).toEqual({ ok: false, message: 'a template body is a JSON object { "key": "value", … }' });
    expect(bodyText({ a: '1' })).toBe('{\n  "a": "1"\n}');
  });
});
