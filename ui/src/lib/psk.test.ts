import { expect, it } from 'vitest';
import { hexToText, isHex, keyLength, textToHex } from './psk';

it('converts text to hex and back', () => {
  expect(textToHex('secret')).toBe('736563726574');
  expect(hexToText('736563726574')).toBe('secret');
  expect(hexToText('DEADBEEF')).toBeNull();
  expect(textToHex('é')).toBe('c3a9');
});

it('knows what hex is', () => {
  expect(isHex('7f3a')).toBe(true);
  expect(isHex('7f3')).toBe(false);
  expect(isHex('%LWM2M_PSK_VALUE%')).toBe(false);
  expect(isHex('')).toBe(false);
});

it('shows the key length', () => {
  expect(keyLength('736563726574', true)).toBe('6 bytes · 48 bits');
  expect(keyLength('ab', true)).toBe('1 byte · 8 bits');
  expect(keyLength('xyz', true)).toBe('not hex');
  expect(keyLength('abcdefghijklmnop', false)).toBe('16 bytes · 128 bits');
});
