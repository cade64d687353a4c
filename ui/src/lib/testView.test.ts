import { describe, expect, it } from 'vitest';
import type { CertSummary } from './bindings/CertSummary';
import type { Check } from './bindings/Check';
import type { RunSummary } from './bindings/RunSummary';
import {
  axisTicks,
  certLife,
  certRole,
  lastFullRun,
  progressWords,
  resultWords,
  skippedRungs,
  whenWords,
} from './testView';

const cert = (subject: string, issuer: string, notBefore: string, notAfter: string): CertSummary => ({
  subject,
  issuer,
  sans: [],
  notBefore,
  notAfter,
});

const check = (verdict: Check['verdict'], steps: [string, boolean][]): Check => ({
  kind: 'mqtt-tls',
  endpoint: 'h:8883',
  verdict,
  code: verdict === 'fail' ? 'TLS_EXPIRED' : 'OK',
  hint: '',
  evidence: '',
  reproduce: '',
  elapsedMs: 40,
  steps: steps.map(([name, ok]) => ({ name, ok, elapsedMs: 10, detail: {} })),
});

const run = (id: number, device: string, pass: number, fail = 0): RunSummary => ({
  id,
  device,
  startedAt: '2026-12-05T10:00:00Z',
  pass,
  warn: 0,
  fail,
  skipped: 0,
});

it('words the progress of a run', () => {
  expect(progressWords(5, 6, 2400)).toBe('5/6 · 2.4 s');
  expect(progressWords(0, 1, 0)).toBe('0/1 · 0.0 s');
});

describe('axisTicks', () => {
  it('steps by 1, 2 or 5 × 10ⁿ from 0 and stays within the scale', () => {
    expect(axisTicks(50)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(axisTicks(47)).toEqual([0, 10, 20, 30, 40]);
    expect(axisTicks(2400)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(axisTicks(3)).toEqual([0, 1, 2, 3]);
  });
  it('never gives more than six ticks, even for a tiny or empty scale', () => {
    for (const scale of [0, 0.3, 1, 7, 99, 101, 12345, 1e7]) {
      const ticks = axisTicks(scale);
      expect(ticks.length).toBeGreaterThanOrEqual(1);
      expect(ticks.length).toBeLessThanOrEqual(6);
      expect(ticks[0]).toBe(0);
      expect(ticks[ticks.length - 1]).toBeLessThanOrEqual(Math.max(scale, 1));
    }
  });
});

describe('certificates', () => {
  const chain: [CertSummary, CertSummary, CertSummary] = [
    cert('CN=mqtt.acme.example', 'CN=Acme Issuing CA 2', '2025-11-20T00:00:00Z', '2026-11-20T00:00:00Z'),
    cert('CN=Acme Issuing CA 2', 'CN=Acme Root CA', '2024-04-02T00:00:00Z', '2029-04-02T00:00:00Z'),
    cert('CN=Acme Root CA', 'CN=Acme Root CA', '2021-04-02T00:00:00Z', '2031-04-02T00:00:00Z'),
  ];
  const now = new Date('2026-11-26T12:00:00Z');

  it('names leaf, intermediate and self-signed root', () => {
    expect(chain.map((_, i) => certRole(chain, i))).toEqual(['leaf', 'intermediate', 'root']);
  });

  it('says how long ago one expired, and how long another has left', () => {
    expect(certLife(chain[0], now)).toEqual({ state: 'expired', words: 'expired 6 d ago', used: 1 });
    const issuing = certLife(chain[1], now);
    expect(issuing.state).toBe('valid');
    expect(issuing.words).toBe('2 y 4 m left');
    expect(issuing.used).toBeGreaterThan(0.5);
    expect(issuing.used).toBeLessThan(0.6);
  });

  it('warns of one that expires within a month, and one not valid yet', () => {
    const soon = cert('CN=a', 'CN=b', '2026-01-01T00:00:00Z', '2026-12-08T12:00:00Z');
    expect(certLife(soon, now)).toMatchObject({ state: 'soon', words: '12 d left' });
    const later = cert('CN=a', 'CN=b', '2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z');
    expect(certLife(later, now)).toEqual({ state: 'not-yet', words: 'valid from 2027-01-01', used: 0 });
  });

  it('does not guess when the dates cannot be read', () => {
    expect(certLife(cert('CN=a', 'CN=b', 'soon', 'later'), now).words).toBe('validity unreadable');
  });
});

it('words where a ladder stopped, or the rungs it climbed', () => {
  expect(resultWords(check('fail', [['dns', true], ['tcp', true], ['tls', false]]))).toBe('stopped at tls · step 3');
  expect(resultWords(check('pass', [['dns', true], ['tcp', true]]))).toBe('2 steps · dns → tcp');
});

it('opens the newest run that checked every template of the device', () => {
  const runs = [run(9, 'meter-0042', 1), run(8, 'meter-0043', 6), run(7, 'meter-0042', 5, 1), run(6, 'meter-0042', 6)];
  expect(lastFullRun(runs, 'meter-0042', 6)?.id).toBe(7);
  expect(lastFullRun(runs, 'meter-0044', 6)).toBeNull();
});

it('says when a run started in words', () => {
  const now = new Date(2026, 11, 6, 9, 30);
  expect(whenWords(new Date(2026, 11, 6, 8, 5).toISOString(), now)).toBe('today 08:05');
  expect(whenWords(new Date(2026, 11, 5, 17, 42).toISOString(), now)).toBe('yesterday 17:42');
  expect(whenWords('not a time', now)).toBe('not a time');
});

it('lists the rungs a failed check never reached', () => {
  const rungs = ['dns', 'tcp', 'tls', 'mqtt-connect', 'subscribe', 'publish'];
  expect(skippedRungs(check('fail', [['dns', true], ['tcp', true], ['tls', false]]), rungs)).toEqual(['mqtt-connect', 'subscribe', 'publish']);
  // A rung the list does not name (a proxy, the 3.1.1 retry) does not move the point.
  expect(
    skippedRungs(
      check('fail', [['proxy', true], ['tls', true], ['mqtt-connect', false], ['mqtt-connect-3.1.1', false]]),
      rungs,
    ),
  ).toEqual(['subscribe', 'publish']);
  expect(skippedRungs(check('pass', [['dns', true]]), rungs)).toEqual([]);
  expect(skippedRungs(check('warn', [['dns', true]]), rungs)).toEqual([]);
  expect(skippedRungs(null, rungs)).toEqual([]);
  expect(skippedRungs(check('fail', [['dns', false]]), [])).toEqual([]);
});
