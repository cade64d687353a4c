// How a template card says things at a glance: the protocol family its icon shows, the
// one-line summary of a collapsed card, and the value a field takes for the device the
// editor previews.
import type { PlaceholderValue } from './bindings/PlaceholderValue';
import type { RenderedModel } from './bindings/RenderedModel';
import { scanPlaceholders } from './placeholders';

/** The model editor's tabs. */
export type ModelTab = 'templates' | 'placeholders' | 'devices';

export type KindFamily = 'mqtt' | 'http' | 'lwm2m' | 'ota' | 'data';

/** The family of a template kind (one icon each). */
export function kindFamily(kind: string): KindFamily {
  if (kind === 'mqtt-tcp' || kind === 'mqtt-tls') return 'mqtt';
  if (kind === 'mqtt-http' || kind === 'mqtt-https') return 'http';
  if (kind.startsWith('lwm2m')) return 'lwm2m';
  if (kind === 'ota') return 'ota';
  return 'data';
}

/** A collapsed card's keys on one line: topic keys counted as one entry ("3 topics"). */
export function keysSummary(keys: readonly string[]): string {
  const topics = keys.filter((k) => /TopicName$/.test(k));
  const rest = keys.filter((k) => !/TopicName$/.test(k));
  const parts = [...rest];
  if (topics.length) parts.splice(Math.min(rest.length, 5), 0, `${topics.length} topic${topics.length === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

/** A field's value as the previewed device gets it, as text; `null` when the rendered model
 * has no such template or key (the model was edited since it was saved). */
export function previewValue(rendered: RenderedModel | null, index: number, key: string): string | null {
  const body = rendered?.templates[index]?.body;
  if (!body || !(key in body)) return null;
  const value = body[key];
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A previewed value short enough for its column: a PEM as what it holds and its size, any
 * other long text cut with an ellipsis (the Rendered tab has it whole). */
export function previewShort(value: string, max = 60): string {
  const blocks = [...value.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => (m[1] ?? '').toLowerCase());
  if (blocks.length) {
    const kinds = [...new Set(blocks)].join(', ');
    return `PEM: ${blocks.length} × ${kinds} · ${new TextEncoder().encode(value).length} B`;
  }
  return [...value].length > max ? `${[...value].slice(0, max - 1).join('')}…` : value;
}

/** Every placeholder name a model's templates and data blocks use, once each, in order. */
export function placeholderNames(bodies: readonly unknown[]): string[] {
  const names = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === 'string') for (const t of scanPlaceholders(value)) names.add(t.name);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  bodies.forEach(visit);
  return [...names];
}

/** Where a field's value comes from for the previewed device, in the words of the "For"
 * column: "literal" for a fixed value, else each placeholder's source ("device · secret",
 * "project", "default", "unresolved"), joined when a value mixes several. */
export function valueSource(value: string, values: ReadonlyMap<string, PlaceholderValue>): string {
  const tokens = scanPlaceholders(value);
  if (!tokens.length) return 'literal';
  const words = tokens.map((t) => {
    const found = values.get(t.name);
    if (!found) return '…';
    if (!found.source) return 'unresolved';
    return found.secret ? `${found.source} · secret` : found.source;
  });
  return [...new Set(words)].join(' + ');
}

/** A PEM's size line: "1 cert · 1.3 KB", "private key · 241 B". */
export function pemSize(value: string, overview: { blocks: readonly string[]; certificates: readonly unknown[] }): string {
  const bytes = new TextEncoder().encode(value).length;
  const size = bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} B`;
  const certs = overview.certificates.length;
  const what = certs ? `${certs} cert${certs === 1 ? '' : 's'}` : `${overview.blocks.length} block${overview.blocks.length === 1 ? '' : 's'}`;
  return `${what} · ${size}`;
}

/** How long ago an edit was, in the header's words: "just now", "2 min ago", "3 h ago". */
export function agoWords(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 45) return 'just now';
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 24) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}
