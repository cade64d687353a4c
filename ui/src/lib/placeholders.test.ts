import { describe, expect, it } from 'vitest';
import { scanPlaceholders, segments, solePlaceholder } from './placeholders';

describe('scanPlaceholders', () => {
  it('finds tokens with offsets', () => {
    expect(scanPlaceholders('acme/%MQTT_CLIENT_ID%/req')).toEqual([{ name: 'MQTT_CLIENT_ID', start: 5, end: 21 }]);
  });

  it('treats stray percent signs as text, like the core', () => {
    expect(scanPlaceholders('100% sure, 50 % off')).toEqual([]);
    expect(scanPlaceholders('%%')).toEqual([]);
    expect(scanPlaceholders('%1ABC%')).toEqual([]);
    expect(scanPlaceholders('5%%HOST%').map((t) => t.name)).toEqual(['HOST']);
    expect(scanPlaceholders('%A%%B%').map((t) => t.name)).toEqual(['A', 'B']);
    expect(scanPlaceholders('%mqtt_host%').map((t) => t.name)).toEqual(['mqtt_host']);
  });
});

describe('segments', () => {
  it('splits text and tokens in order', () => {
    expect(segments('a/%X%/b')).toEqual([
      { kind: 'text', text: 'a/' },
      { kind: 'placeholder', text: '%X%', name: 'X' },
      { kind: 'text', text: '/b' },
    ]);
    expect(segments('')).toEqual([]);
  });
});

it('recognises a value that is exactly one placeholder', () => {
  expect(solePlaceholder('%MQTT_HOST%')).toBe('MQTT_HOST');
  expect(solePlaceholder('x%MQTT_HOST%')).toBeNull();
  expect(solePlaceholder('8883')).toBeNull();
});
