import { expect, it } from 'vitest';
import type { Check } from './bindings/Check';
import { latency, mergeCheck, STATE_LEGEND, tileKey, tone } from './ports';

const check = (port: number, service: string, verdict: Check['verdict'], elapsedMs = 1.25): Check => ({
  kind: 'port',
  endpoint: `127.0.0.1:${port}`,
  verdict,
  code: 'OK',
  hint: '',
  evidence: '',
  reproduce: '',
  elapsedMs,
  steps: [],
  port,
  transport: 'tcp',
  service,
  state: 'open',
});

it('streams results into port order, replacing a re-run port', () => {
  let list = mergeCheck([], check(8883, 'mqtts', 'pass'));
  list = mergeCheck(list, check(1883, 'mqtt', 'fail'));
  list = mergeCheck(list, check(8883, 'mqtts', 'warn'));
  expect(list.map((c) => [c.port, c.verdict])).toEqual([
    [1883, 'fail'],
    [8883, 'warn'],
  ]);
  expect(tileKey(list[0] as Check)).toBe('mqtt:1883/tcp');
});

it('colours by verdict and words the latency', () => {
  expect(tone(check(80, 'http', 'warn'))).toBe('warn');
  expect(latency(check(80, 'http', 'pass', 1.25))).toBe('1.3 ms');
  expect(latency(check(80, 'http', 'pass', 700.4))).toBe('700 ms');
});

it('explains open|filtered in the legend', () => {
  expect(STATE_LEGEND.find((l) => l.state === 'open|filtered')?.meaning).toContain('nmap');
});
