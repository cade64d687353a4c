// Lint findings as the editor shows them: per card, counted, worded, and fixes applied to
// a body. The findings themselves come from the core (lint.rs) over IPC.
import type { Finding } from './bindings/Finding';
import type { FixEdit } from './bindings/FixEdit';
import { parsePointer, relativePointer } from './jsonPointer';

export type Body = Record<string, unknown>;

/** The findings under `prefix` (e.g. `/templates/2`), with pointers made relative to it. */
export function findingsUnder(findings: readonly Finding[], prefix: string): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const rel = relativePointer(f.pointer, prefix);
    if (rel !== null) out.push({ ...f, pointer: rel });
  }
  return out;
}

/** Findings about one key of a body (pointer `/key`). */
export function findingsForKey(findings: readonly Finding[], key: string): Finding[] {
  return findings.filter((f) => parsePointer(f.pointer)[0] === key);
}

export interface Counts {
  errors: number;
  warnings: number;
}

export function countFindings(findings: readonly Finding[]): Counts {
  let errors = 0;
  let warnings = 0;
  for (const f of findings) {
    if (f.severity === 'error') errors += 1;
    else warnings += 1;
  }
  return { errors, warnings };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "1 error · 2 warnings", or "no problems". */
export function countsText({ errors, warnings }: Counts): string {
  const parts = [];
  if (errors) parts.push(plural(errors, 'error'));
  if (warnings) parts.push(plural(warnings, 'warning'));
  return parts.length ? parts.join(' · ') : 'no problems';
}

/** The worst severity, for the chip's colour. */
export function worst({ errors, warnings }: Counts): 'error' | 'warning' | 'ok' {
  return errors ? 'error' : warnings ? 'warning' : 'ok';
}

/**
 * Applies a fix to the body it points into (a relative pointer `/key`). Renaming keeps the
 * key's position; adding appends. Returns a new body; the input is not changed.
 */
export function applyFix(body: Body, pointer: string, edit: FixEdit): Body {
  const [key] = parsePointer(pointer);
  if (key === undefined) return body;
  switch (edit.op) {
    case 'replaceValue':
      return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, k === key ? edit.value : v]));
    case 'renameKey':
      return Object.fromEntries(Object.entries(body).map(([k, v]) => [k === key ? edit.key : k, v]));
    case 'addKey':
      return { ...body, [key]: edit.value };
    case 'quoteValue':
      return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, k === key ? String(v) : v]));
  }
}
