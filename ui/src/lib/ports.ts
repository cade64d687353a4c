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
