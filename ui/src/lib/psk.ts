// The PSK helper's text ⇄ hex switch. Hex is lower-case, two digits per UTF-8 byte, as the
// core's psk.rs writes it.

export function textToHex(text: string): string {
  return Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function isHex(text: string): boolean {
  return text.length > 0 && text.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(text);
}

/** The text a hex key spells, or null when it is not hex or not UTF-8. */
export function hexToText(hex: string): string | null {
  if (!isHex(hex)) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** "16 bytes · 128 bits" for a hex key, or for text by its UTF-8 length. */
export function keyLength(value: string, asHex: boolean): string {
  const bytes = asHex ? (isHex(value) ? value.length / 2 : null) : new TextEncoder().encode(value).length;
  if (bytes === null) return 'not hex';
  return `${bytes} byte${bytes === 1 ? '' : 's'} · ${bytes * 8} bits`;
}
