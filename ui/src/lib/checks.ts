// How a device's check results are shown: status words, the waterfall of a ladder's rungs
// (each bar placed after the ones before it, scaled to the slowest check), and the TLS
// chain a rung recorded.
import type { Check } from './bindings/Check';
import type { CertSummary } from './bindings/CertSummary';
import type { Step } from './bindings/Step';

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
