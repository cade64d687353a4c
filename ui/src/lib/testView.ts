// What the Test tab says around its table: the progress line, the time axis under the
// waterfall, a certificate's life as words and a bar, the short result of a row, which stored
// run to show on opening. Pure, so the words are tested here and the components only place
// them. (The "Copy as loopcheck" line is the core's: `api::loopcheck_command`.)
import type { CertSummary } from './bindings/CertSummary';
import type { Check } from './bindings/Check';
import type { RunSummary } from './bindings/RunSummary';

/** "5/6 · 2.4 s": checks finished of those running, and the time since Run all. */
export function progressWords(done: number, total: number, elapsedMs: number): string {
  return `${done}/${total} · ${(elapsedMs / 1000).toFixed(1)} s`;
}

/** Tick values (ms) for a time axis from 0 to `scaleMs`: steps of 1, 2 or 5 × 10ⁿ, at
 * most six ticks, always starting at 0 and never past the scale. */
export function axisTicks(scaleMs: number): number[] {
  const scale = Math.max(scaleMs, 1);
  const rough = scale / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => scale / s <= 5) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = 0; t <= scale + 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

export type CertRole = 'leaf' | 'intermediate' | 'root';

/** A chain's certificates as people name them: the first is the leaf, a self-signed one
 * (subject = issuer) the root, any other an intermediate. */
export function certRole(chain: readonly CertSummary[], index: number): CertRole {
  if (index === 0) return 'leaf';
  const cert = chain[index];
  return cert && cert.subject === cert.issuer ? 'root' : 'intermediate';
}

export interface CertLife {
  state: 'valid' | 'soon' | 'expired' | 'not-yet';
  /** "expired 6 d ago", "2 y 4 m left", "12 d left", "valid from 2027-01-01". */
  words: string;
  /** How much of the validity has passed, 0..1 (where the marker sits on the bar). */
  used: number;
}

const DAY_MS = 86_400_000;
/** Left with fewer days than this, a certificate is drawn as a warning. */
export const CERT_SOON_DAYS = 30;

function span(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  if (days < 1) return `${Math.max(1, Math.floor(ms / 3_600_000))} h`;
  if (days < 60) return `${days} d`;
  const months = Math.floor(days / 30.44);
  const years = Math.floor(months / 12);
  if (years === 0) return `${months} m`;
  return months % 12 ? `${years} y ${months % 12} m` : `${years} y`;
}

/** Where a certificate stands at `now`; unreadable dates say so instead of guessing. */
export function certLife(cert: CertSummary, now: Date): CertLife {
  const from = Date.parse(cert.notBefore);
  const until = Date.parse(cert.notAfter);
  if (Number.isNaN(from) || Number.isNaN(until)) return { state: 'valid', words: 'validity unreadable', used: 0 };
  const at = now.getTime();
  const used = until > from ? Math.min(1, Math.max(0, (at - from) / (until - from))) : 1;
  if (at < from) return { state: 'not-yet', words: `valid from ${cert.notBefore.slice(0, 10)}`, used: 0 };
  if (at > until) return { state: 'expired', words: `expired ${span(at - until)} ago`, used: 1 };
  const left = until - at;
  return { state: left < CERT_SOON_DAYS * DAY_MS ? 'soon' : 'valid', words: `${span(left)} left`, used };
}

/** The result column's words after the code chip: where a failing ladder stopped, or how
 * many rungs a passing one climbed. */
export function resultWords(check: Check): string {
  const steps = check.steps;
  const last = steps[steps.length - 1];
  if (check.verdict === 'fail' && last && !last.ok) {
    return `stopped at ${last.name} · step ${steps.length}`;
  }
  if (check.verdict === 'skipped') return 'not run';
  return `${steps.length} step${steps.length === 1 ? '' : 's'} · ${steps.map((s) => s.name).join(' → ')}`;
}

/** The stored run the Test tab opens with: the device's newest run that checked all
 * `templates` (a run of one check again is not a full run). Runs come newest first. */
export function lastFullRun(runs: readonly RunSummary[], device: string, templates: number): RunSummary | null {
  return runs.find((r) => r.device === device && r.pass + r.warn + r.fail + r.skipped === templates) ?? null;
}

/** "12:04 today", "17:42 yesterday", else the date: when a stored run started. */
export function whenWords(iso: string, now: Date): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const time = at.toTimeString().slice(0, 5);
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(now) - day(at)) / DAY_MS);
  if (days === 0) return `today ${time}`;
  if (days === 1) return `yesterday ${time}`;
  return `${at.toISOString().slice(0, 10)} ${time}`;
}

/** The rungs a failed check never reached: those its kind always climbs (`rungs`, from the
 * catalog) after the last one it did climb. A passing or unfinished check skipped none; a
 * rung the list does not name (a proxy, the MQTT 3.1.1 retry) does not move the point. */
export function skippedRungs(check: Check | null, rungs: readonly string[]): string[] {
  if (!check || check.verdict !== 'fail') return [];
  const climbed = new Set(check.steps.map((s) => s.name));
  const reached = rungs.reduce((last, rung, i) => (climbed.has(rung) ? i : last), -1);
  return rungs.slice(reached + 1).filter((r) => !climbed.has(r));
}
