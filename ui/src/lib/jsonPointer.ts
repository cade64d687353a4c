// JSON pointers (RFC 6901) and where they sit in a JSON text, so that lint findings
// (which carry pointers) can be drawn at the right characters in the JSON view.

export function escapeSegment(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The part of `pointer` below `prefix`, or null when it is not below it. */
export function relativePointer(pointer: string, prefix: string): string | null {
  if (pointer === prefix) return '';
  return pointer.startsWith(prefix + '/') ? pointer.slice(prefix.length) : null;
}

export interface Span {
  /** The member's key (with quotes), when the value is an object member. */
  keyFrom?: number;
  keyTo?: number;
  valueFrom: number;
  valueTo: number;
}

/**
 * Every value's pointer and its character span in `text`. Returns an empty map when the text
 * is not valid JSON (the caller shows the parse error instead).
 */
export function pointerSpans(text: string): Map<string, Span> {
  const spans = new Map<string, Span>();
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i] ?? '')) i += 1;
  };
  const fail = (): never => {
    throw new SyntaxError(`unexpected input at ${i}`);
  };
  const string = (): string => {
    if (text[i] !== '"') fail();
    const from = i;
    i += 1;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail();
    i += 1;
    return JSON.parse(text.slice(from, i)) as string;
  };
  const value = (pointer: string, key?: { from: number; to: number }) => {
    ws();
    const from = i;
    const c = text[i];
    if (c === '{') {
      i += 1;
      ws();
      if (text[i] === '}') i += 1;
      else
        for (;;) {
          ws();
          const keyFrom = i;
          const name = string();
          const keyTo = i;
          ws();
          if (text[i] !== ':') fail();
          i += 1;
          value(`${pointer}/${escapeSegment(name)}`, { from: keyFrom, to: keyTo });
          ws();
          if (text[i] === ',') i += 1;
          else if (text[i] === '}') {
            i += 1;
            break;
          } else fail();
        }
    } else if (c === '[') {
      i += 1;
      ws();
      if (text[i] === ']') i += 1;
      else
        for (let index = 0; ; index += 1) {
          value(`${pointer}/${index}`);
          ws();
          if (text[i] === ',') i += 1;
          else if (text[i] === ']') {
            i += 1;
            break;
          } else fail();
        }
    } else if (c === '"') {
      string();
    } else {
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
      if (!m) fail();
      i += m?.[0].length ?? 0;
    }
    spans.set(pointer, key ? { keyFrom: key.from, keyTo: key.to, valueFrom: from, valueTo: i } : { valueFrom: from, valueTo: i });
  };
  try {
    value('');
    ws();
    if (i !== text.length) fail();
    return spans;
  } catch {
    return new Map();
  }
}
