// How port-sweep results are shown: one tile per port, coloured by state with a word too,
// in the order the ports were asked for, and the legend's explanations.
import type { Check } from './bindings/Check';
import type { PortState } from './bindings/PortState';

export type Tone = 'pass' | 'warn' | 'fail' | 'skipped';

/** The colour a tile gets: from the verdict, so "open but not speaking it" is amber. */
export function tone(check: Check): Tone {
  return check.verdict;
}

export const STATE_LEGEND: ReadonlyArray<{ state: PortState; meaning: string }> = [
  { state: 'open', meaning: 'The expected protocol answered (amber: the port accepts but speaks something else).' },
  { state: 'closed', meaning: 'The host answered that nothing listens (TCP reset, or ICMP port unreachable for UDP).' },
  { state: 'filtered', meaning: 'No answer at all to a TCP connect: a firewall is dropping the packets.' },
  { state: 'open|filtered', meaning: 'UDP stayed silent: a server may be listening and ignoring the probe, or a firewall drops it. nmap says the same.' },
  { state: 'dns-failed', meaning: 'The host name did not resolve.' },
];

/** Key of a tile: a port can be asked for twice with different services. */
export function tileKey(check: Check): string {
  return `${check.service ?? ''}:${check.port ?? 0}/${check.transport ?? 'tcp'}`;
}

/** Merges a streamed check into the list, replacing one with the same key. */
export function mergeCheck(checks: readonly Check[], next: Check): Check[] {
  const key = tileKey(next);
  const out = checks.filter((c) => tileKey(c) !== key);
  out.push(next);
  return out.sort((a, b) => (a.port ?? 0) - (b.port ?? 0) || tileKey(a).localeCompare(tileKey(b)));
}

export function latency(check: Check): string {
  return check.elapsedMs < 10 ? `${check.elapsedMs.toFixed(1)} ms` : `${Math.round(check.elapsedMs)} ms`;
}

/** The three counts the sweep's header shows as chips. */
export interface SweepCounts {
  open: number;
  warn: number;
  /** closed, filtered, open|filtered that failed, dns-failed. */
  blocked: number;
}

export function sweepCounts(checks: readonly Check[]): SweepCounts {
  const counts: SweepCounts = { open: 0, warn: 0, blocked: 0 };
  for (const c of checks) {
    if (c.verdict === 'pass') counts.open += 1;
    else if (c.verdict === 'warn') counts.warn += 1;
    else counts.blocked += 1;
  }
  return counts;
}

/** The line at a tile's foot: what was sent, then what came back (its evidence, without the
 * address the tile already shows). */
export function probeLine(check: Check, probe: string | undefined): string {
  const said = check.evidence.replace(`${check.endpoint} `, '').trim();
  return probe ? `${probe} → ${said}` : said;
}

/** How a sweep's header says when and how fast: "swept 12:10:02 · 10 ports in 1.2 s". */
export function sweptWords(startedAt: Date, ports: number, tookMs: number): string {
  const time = startedAt.toTimeString().slice(0, 8);
  return `swept ${time} · ${ports} port${ports === 1 ? '' : 's'} in ${(tookMs / 1000).toFixed(1)} s`;
}

/** The `--ports` text that probes one tile again: its service on its port. */
export function onePort(check: Check): string {
  return `${check.service ?? ''}=${check.port ?? 0}`;
}
