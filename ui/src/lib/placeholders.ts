// `%PLACEHOLDER%` tokens in template values, by the same rule as the core's template.rs:
// `%`, a letter, letters/digits/_, `%`. Lower-case names are tokens too, so the editor can
// flag `%mqtt_host%`. Used for the coloured pills in the form and JSON views.

import type { Catalog } from './bindings/Catalog';
import type { PlaceholderSpec } from './bindings/PlaceholderSpec';
import type { Scope } from './bindings/Scope';

export interface PlaceholderToken {
  name: string;
  /** Offset of the opening `%` (UTF-16 code units, as JS strings count). */
  start: number;
  /** Offset just past the closing `%`. */
  end: number;
}

const isLetter = (c: string) => /[A-Za-z]/.test(c);
const isNameChar = (c: string) => /[A-Za-z0-9_]/.test(c);

export function scanPlaceholders(text: string): PlaceholderToken[] {
  const found: PlaceholderToken[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '%') {
      i += 1;
      continue;
    }
    let j = i + 1;
    while (j < text.length && isNameChar(text[j] ?? '')) j += 1;
    if (j < text.length && text[j] === '%' && j > i + 1 && isLetter(text[i + 1] ?? '')) {
      found.push({ name: text.slice(i + 1, j), start: i, end: j + 1 });
      i = j + 1;
    } else {
      i = Math.max(j, i + 1);
    }
  }
  return found;
}

export type Segment = { kind: 'text'; text: string } | { kind: 'placeholder'; text: string; name: string };

/** The text split into plain runs and placeholder tokens, in order. */
export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const token of scanPlaceholders(text)) {
    if (token.start > last) out.push({ kind: 'text', text: text.slice(last, token.start) });
    out.push({ kind: 'placeholder', text: text.slice(token.start, token.end), name: token.name });
    last = token.end;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** The name when the whole value is one token (`"%MQTT_HOST%"`). */
export function solePlaceholder(text: string): string | null {
  const tokens = scanPlaceholders(text);
  const only = tokens.length === 1 ? tokens[0] : undefined;
  return only && only.start === 0 && only.end === text.length ? only.name : null;
}

/** The catalog's spec for a placeholder, a known misspelling (alias) read as its canonical
 * name; `null` when it is not a LoopCloud placeholder. */
export function placeholderSpec(catalog: Catalog | null, name: string): PlaceholderSpec | null {
  const alias = catalog?.aliases.find(([a]) => a === name)?.[1];
  return catalog?.placeholders.find((p) => p.name === (alias ?? name)) ?? null;
}

/** Who supplies each placeholder, by the catalog: what the pills are coloured by. */
export function scopeFinder(catalog: Catalog | null): (name: string) => Scope | null {
  return (name) => placeholderSpec(catalog, name)?.scope ?? null;
}
