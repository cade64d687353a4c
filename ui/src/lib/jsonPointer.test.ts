import { describe, expect, it } from 'vitest';
import { escapeSegment, parsePointer, pointerSpans, relativePointer } from './jsonPointer';

describe('pointers', () => {
  it('escape and parse segments', () => {
    expect(escapeSegment('a/b~c')).toBe('a~1b~0c');
    expect(parsePointer('/a~1b~0c/0')).toEqual(['a/b~c', '0']);
    expect(parsePointer('')).toEqual([]);
  });

  it('make pointers relative to a prefix', () => {
    expect(relativePointer('/templates/2/mqttSslPort', '/templates/2')).toBe('/mqttSslPort');
    expect(relativePointer('/templates/2', '/templates/2')).toBe('');
    expect(relativePointer('/templates/20/x', '/templates/2')).toBeNull();
  });
});

describe('pointerSpans', () => {
  const text = '{\n  "mqttHostName": "%MQTT_HOST%",\n  "list": [1, {"a/b": true}]\n}';

  it('maps members to their key and value spans', () => {
    const spans = pointerSpans(text);
    const host = spans.get('/mqttHostName');
    expect(host && text.slice(host.keyFrom, host.keyTo)).toBe('"mqttHostName"');
    expect(host && text.slice(host.valueFrom, host.valueTo)).toBe('"%MQTT_HOST%"');
    const nested = spans.get('/list/1/a~1b');
    expect(nested && text.slice(nested.valueFrom, nested.valueTo)).toBe('true');
    expect(spans.get('')?.valueTo).toBe(text.length);
  });

  it('copes with escapes in strings', () => {
    const spans = pointerSpans('{"k": "a\\"b", "n": -1.5e3}');
    const n = spans.get('/n');
    expect(n && n.valueTo - n.valueFrom).toBe(6);
  });

  it('gives nothing for invalid JSON', () => {
    expect(pointerSpans('{"a": }').size).toBe(0);
    expect(pointerSpans('{"a": 1} x').size).toBe(0);
  });
});
