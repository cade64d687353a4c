// How a device's check results are shown: status words, the waterfall of a ladder's rungs
// (each bar placed after the ones before it, scaled to the slowest check), and the TLS
// chain a rung recorded.
import type { Check } from './bindings/Check';
import type { CertSummary } from './bindings/CertSummary';
import type { Report } from './bindings/Report';
import type { Step } from './bindings/Step';
import type { StepProgress } from './bindings/StepProgress';
import type { Summary } from './bindings/Summary';

export function statusWord(check: Check): string {
  return { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skipped: 'SKIP' }[check.verdict];
}

export interface Bar {
  step: Step;
  /** Left edge and width, in percent of the scale. */
  left: number;
  width: number;
}

/** Bars for the rungs, which run one after another, on a scale of `scaleMs`. */
export function waterfall(steps: readonly Step[], scaleMs: number): Bar[] {
  const scale = Math.max(scaleMs, 1);
  let at = 0;
  return steps.map((step) => {
    const bar = { step, left: (at / scale) * 100, width: Math.max((step.elapsedMs / scale) * 100, 0.5) };
    at += step.elapsedMs;
    return bar;
  });
}

/** The certificate chain a TLS rung recorded, if any. */
export function tlsChain(check: Check): CertSummary[] {
  const tls = check.steps.find((s) => s.name === 'tls');
  const chain = tls?.detail?.chain;
  return Array.isArray(chain) ? (chain as CertSummary[]) : [];
}

/** The TLS rung's verdict on who issued the certificate, when a middlebox replaced it:
 * "Issued by CN=… — mitmproxy, a TLS-inspecting product". */
export function interceptionWords(check: Check): string | null {
  const tls = check.steps.find((s) => s.name === 'tls');
  const found: unknown = tls?.detail?.interception;
  if (typeof found !== 'object' || found === null) return null;
  const { issuer, by } = found as Record<string, unknown>;
  if (typeof issuer !== 'string' || typeof by !== 'string') return null;
  return `Replaced certificate: issued by ${issuer} — ${by}`;
}

/** One address a DNS rung resolved, or a TCP rung tried, as the core records it. */
interface AddressAttempt {
  address: string;
  outcome: string;
}

function isAttempt(value: unknown): value is AddressAttempt {
  return typeof value === 'object' && value !== null && 'address' in value && 'outcome' in value;
}

/** How far a server's clock is from ours, from a step's `clockOffsetS` (its HTTP Date). */
export function clockWords(offsetS: number): string {
  if (Math.abs(offsetS) <= 1) return 'clock in step with the server';
  const way = offsetS > 0 ? 'behind' : 'ahead of';
  return `this computer is ${Math.abs(offsetS)} s ${way} the server's clock`;
}

/** The line under a rung in the ladder: every address the DNS rung resolved, what each TCP
 * attempt gave, the proxy a tunnel went through (and where that proxy came from), the clock
 * offset an HTTP answer showed, the PSK suites a DTLS server accepts (when they were
 * profiled); empty when the rung has none. */
export function stepNote(step: Step): string {
  const detail = step.detail ?? {};
  const parts: string[] = [];
  const addresses: unknown = detail.addresses;
  if (Array.isArray(addresses)) {
    if (addresses.every((a) => typeof a === 'string')) parts.push(addresses.join(', '));
    else parts.push(addresses.filter(isAttempt).map((a) => `${a.address} ${a.outcome}`).join(' · '));
  }
  if (typeof detail.proxy === 'string') {
    const status = typeof detail.status === 'number' ? ` ${detail.status}` : '';
    parts.push(`through ${detail.proxy} (from ${String(detail.source)}) to ${String(detail.connect)}${status}`);
  }
  if (typeof detail.clockOffsetS === 'number') parts.push(clockWords(detail.clockOffsetS));
  const suites = detail.suites as { accepted?: unknown } | undefined;
  if (suites && Array.isArray(suites.accepted)) {
    const accepted = suites.accepted.filter((s): s is string => typeof s === 'string');
    parts.push(`the server accepts ${accepted.length ? accepted.join(', ') : 'none of the PSK suites asked about'}`);
  }
  if (typeof detail.largestBytes === 'number') {
    const lost = typeof detail.lostBytes === 'number' ? `, ${detail.lostBytes} lost` : '';
    parts.push(`largest datagram answered: ${detail.largestBytes} bytes${lost}`);
  }
  const timing = (detail.timing ?? detail.trace) as { retransmissions?: unknown; roundTripsMs?: unknown; firstAnswerMs?: unknown } | undefined;
  if (timing && typeof timing === 'object') {
    if (typeof timing.retransmissions === 'number' && timing.retransmissions > 0) {
      parts.push(`${timing.retransmissions} ${timing.retransmissions === 1 ? 'retransmission' : 'retransmissions'}`);
    }
    const trips = Array.isArray(timing.roundTripsMs) ? timing.roundTripsMs.filter((t): t is number => typeof t === 'number') : [];
    if (trips.length) parts.push(`round trip ${Math.max(...trips)} ms`);
    if (typeof timing.firstAnswerMs === 'number') parts.push(`first answer after ${timing.firstAnswerMs} ms`);
  }
  const tried: unknown = detail.readingsTried;
  if (Array.isArray(tried)) {
    const words = tried
      .filter((t): t is { reading: string; worked: boolean } => typeof t === 'object' && t !== null && 'reading' in t)
      .map((t) => `${t.reading} ${t.worked ? 'works' : 'refused too'}`);
    if (words.length) parts.push(`tried: ${words.join(', ')}`);
  }
  return parts.join(' — ');
}

/** Rungs seen so far for each running check, by the template's position in the model. */
export type LiveSteps = Record<number, Step[]>;

/** Adds a rung that just finished (a `check-step` event) to its check's list. */
export function addStep(live: LiveSteps, progress: StepProgress): LiveSteps {
  return { ...live, [progress.index]: [...(live[progress.index] ?? []), progress.step] };
}

/** The rows a report fills: its checks belong to the templates at `indices`, in order. */
export function rowsFromReport(report: Report, indices: readonly number[]): Record<number, Check> {
  const rows: Record<number, Check> = {};
  report.checks.forEach((check, i) => {
    const index = indices[i];
    if (index !== undefined) rows[index] = check;
  });
  return rows;
}

export function summarise(checks: readonly Check[]): Summary {
  const s: Summary = { pass: 0, warn: 0, fail: 0, skipped: 0 };
  for (const c of checks) s[c.verdict] += 1;
  return s;
}

/**
 * The report as the table shows it now: the last full run with any checks run again since
 * put in their places (the rows are what gets exported and what a person saw).
 */
export function currentReport(base: Report, rows: Record<number, Check>, count: number): Report {
  const checks: Check[] = [];
  for (let i = 0; i < count; i += 1) {
    const check = rows[i];
    if (check) checks.push(check);
  }
  return { ...base, checks, summary: summarise(checks) };
}

/** A file name for an exported report: device and start time, safe on every file system. */
export function reportFileName(device: string, startedAt: string, format: 'html' | 'json'): string {
  const stamp = startedAt.replace(/\.\d+Z$/, 'Z').replace(/[:]/g, '-');
  const safe = device.replace(/[^A-Za-z0-9._-]+/g, '_') || 'device';
  return `${safe}-${stamp}.${format}`;
}
