// How a template card says things at a glance: the protocol family its icon shows, the
// one-line summary of a collapsed card, and the value a field takes for the device the
// editor previews.
import type { RenderedModel } from './bindings/RenderedModel';

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
