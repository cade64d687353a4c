// Comparing two runs of a device ("it worked yesterday"): check by check, what each run said
// and whether it changed — "mqtt-tls: pass → TLS_EXPIRED".
import type { Check } from './bindings/Check';
import type { Report } from './bindings/Report';

export interface RunDiff {
  kind: string;
  before: string;
  after: string;
  changed: boolean;
}

/** "pass", or the code when a check did not pass ("TLS_EXPIRED"), or "—" when absent. */
export function outcome(check: Check | undefined): string {
  if (!check) return '—';
  return check.verdict === 'pass' ? 'pass' : check.verdict === 'skipped' ? 'skipped' : check.code;
}

/** One row per check kind present in either run, in the older run's order. */
export function compareRuns(older: Report, newer: Report): RunDiff[] {
  const kinds = [...new Set([...older.checks.map((c) => c.kind), ...newer.checks.map((c) => c.kind)])];
  return kinds.map((kind) => {
    const before = outcome(older.checks.find((c) => c.kind === kind));
    const after = outcome(newer.checks.find((c) => c.kind === kind));
    return { kind, before, after, changed: before !== after };
  });
}

/** "mqtt-tls: pass → TLS_EXPIRED" for each change. */
export function changeLines(diffs: readonly RunDiff[]): string[] {
  return diffs.filter((d) => d.changed).map((d) => `${d.kind}: ${d.before} → ${d.after}`);
}

/** Ticking an entry of a history list: at most two stay ticked (the last two). */
export function togglePick(picked: readonly number[], id: number): number[] {
  return picked.includes(id) ? picked.filter((p) => p !== id) : [...picked, id].slice(-2);
}

/** The two ticked ids as (older, newer) — ids grow with time — or null unless two are ticked. */
export function olderNewer(picked: readonly number[]): [number, number] | null {
  if (picked.length !== 2) return null;
  const [a, b] = [...picked].sort((x, y) => x - y);
  return [a as number, b as number];
}
