import { expect, it } from 'vitest';
import type { Check } from './bindings/Check';
import { statusWord, tlsChain, waterfall } from './checks';

const check = (kind: string, verdict: Check['verdict'], steps: Check['steps'] = []): Check => ({
  kind,
  endpoint: 'h:1',
  verdict,
  code: 'OK',
  hint: '',
  evidence: '',
  reproduce: '',
  elapsedMs: 10,
  steps,
});

it('words the verdicts', () => {
  expect(statusWord(check('mqtt-tcp', 'fail'))).toBe('FAIL');
  expect(statusWord(check('ota', 'skipped'))).toBe('SKIP');
});

it('lays rungs end to end on the scale', () => {
  const bars = waterfall(
    [
      { name: 'dns', ok: true, elapsedMs: 10, detail: {} },
      { name: 'tcp', ok: true, elapsedMs: 30, detail: {} },
    ],
    80,
  );
  expect(bars.map((b) => [b.left, b.width])).toEqual([
    [0, 12.5],
    [12.5, 37.5],
  ]);
  expect(waterfall([{ name: 'x', ok: true, elapsedMs: 0, detail: {} }], 0)[0]?.width).toBe(0.5);
});

it('finds the recorded chain', () => {
  const chain = [{ subject: 'CN=localhost', issuer: 'CN=CA', sans: [], notBefore: '', notAfter: '' }];
  expect(tlsChain(check('mqtt-tls', 'pass', [{ name: 'tls', ok: true, elapsedMs: 1, detail: { chain } }]))).toEqual(chain);
  expect(tlsChain(check('mqtt-tcp', 'pass'))).toEqual([]);
});
