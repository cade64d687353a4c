// The model being edited: an undo/redo history of immutable snapshots, whether it differs
// from what was saved, and the edits a person makes (add, remove, move, change a field,
// replace a body from the JSON view).
import type { Model } from './bindings/Model';
import type { TemplateKind } from './bindings/TemplateKind';
import type { KindSpec } from './bindings/KindSpec';
import type { Body } from './lint';

export class History<T> {
  private past: T[] = [];
  private future: T[] = [];
  private saved: T;
  private lastMerge: { key: string; at: number } | null = null;

  constructor(private present: T) {
    this.saved = present;
  }

  get current(): T {
    return this.present;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  /** Whether the current snapshot differs from the last saved one. */
  get dirty(): boolean {
    return JSON.stringify(this.present) !== JSON.stringify(this.saved);
  }

  /**
   * Records a new snapshot; an identical one is not recorded. Keeps the last 200. Edits with
   * the same `mergeKey` within a second (typing in one field) become one undo step.
   */
  push(next: T, mergeKey?: string, now: number = Date.now()): void {
    if (JSON.stringify(next) === JSON.stringify(this.present)) return;
    const merge = mergeKey !== undefined && this.lastMerge?.key === mergeKey && now - this.lastMerge.at < 1000;
    if (!merge) {
      this.past.push(this.present);
      if (this.past.length > 200) this.past.shift();
    }
    this.lastMerge = mergeKey === undefined ? null : { key: mergeKey, at: now };
    this.present = next;
    this.future = [];
  }

  undo(): void {
    this.lastMerge = null;
    const previous = this.past.pop();
    if (previous === undefined) return;
    this.future.push(this.present);
    this.present = previous;
  }

  redo(): void {
    const next = this.future.pop();
    if (next === undefined) return;
    this.past.push(this.present);
    this.present = next;
  }

  markSaved(): void {
    this.saved = this.present;
  }
}

/** The canonical body of a kind, as "Add template" fills it in. */
export function canonicalBody(spec: KindSpec): Body {
  return Object.fromEntries(spec.fields.map((f) => [f.key, f.canonical]));
}

export function addTemplate(model: Model, spec: KindSpec): Model {
  return { ...model, templates: [...model.templates, { kind: spec.kind, body: canonicalBody(spec) }] };
}

export function removeTemplate(model: Model, index: number): Model {
  return { ...model, templates: model.templates.filter((_, i) => i !== index) };
}

function move<T>(items: readonly T[], index: number, delta: number): T[] {
  const to = index + delta;
  if (index < 0 || index >= items.length || to < 0 || to >= items.length) return [...items];
  const copy = [...items];
  const [item] = copy.splice(index, 1);
  copy.splice(to, 0, item as T);
  return copy;
}

export function moveTemplate(model: Model, index: number, delta: number): Model {
  return { ...model, templates: move(model.templates, index, delta) };
}

export function setTemplateBody(model: Model, index: number, body: Body): Model {
  return { ...model, templates: model.templates.map((t, i) => (i === index ? { ...t, body } : t)) };
}

export function setField(model: Model, index: number, key: string, value: string): Model {
  const template = model.templates[index];
  if (!template) return model;
  return setTemplateBody(model, index, { ...template.body, [key]: value });
}

/** A new data block named `block`, `block-2`, … whichever is free. */
export function addDataBlock(model: Model): Model {
  const taken = new Set(model.dataBlocks.map((b) => b.name));
  let name = 'block';
  for (let n = 2; taken.has(name); n += 1) name = `block-${n}`;
  return { ...model, dataBlocks: [...model.dataBlocks, { name, body: {} }] };
}

export function setDataBlock(model: Model, index: number, name: string, body: Body): Model {
  return { ...model, dataBlocks: model.dataBlocks.map((b, i) => (i === index ? { name, body } : b)) };
}

export function removeDataBlock(model: Model, index: number): Model {
  return { ...model, dataBlocks: model.dataBlocks.filter((_, i) => i !== index) };
}

export function moveDataBlock(model: Model, index: number, delta: number): Model {
  return { ...model, dataBlocks: move(model.dataBlocks, index, delta) };
}

export type BodyParse = { ok: true; body: Body } | { ok: false; message: string };

/** Parses the JSON view's text; on error the caller keeps the text and shows the message. */
export function parseBody(text: string): BodyParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'a template body is a JSON object { "key": "value", … }' };
  }
  return { ok: true, body: value as Body };
}

export function bodyText(body: Body): string {
  return JSON.stringify(body, null, 2);
}

export function kindCount(model: Model, kind: TemplateKind): number {
  return model.templates.filter((t) => t.kind === kind).length;
}
