import { describe, expect, it } from 'vitest';
import type { Check } from './bindings/Check';
import { latency, mergeCheck, onePort, probeLine, STATE_LEGEND, sweepCounts, sweptWords, tileKey, tone } from './ports';

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

describe('the sweep header and tiles', () => {
  it('counts open, warned and blocked ports', () => {
    const list = [check(80, 'http', 'pass'), check(443, 'https', 'warn'), check(1883, 'mqtt', 'fail'), check(5683, 'lwm2m', 'skipped')];
    expect(sweepCounts(list)).toEqual({ open: 1, warn: 1, blocked: 2 });
    expect(sweepCounts([])).toEqual({ open: 0, warn: 0, blocked: 0 });
  });

  it('says what the probe sent and what came back, without the address twice', () => {
    const refused = { ...check(80, 'http', 'fail'), evidence: '127.0.0.1:80 refused the connection (RST)' };
    expect(probeLine(refused, 'HTTP HEAD')).toBe('HTTP HEAD → refused the connection (RST)');
    expect(probeLine(refused, undefined)).toBe('refused the connection (RST)');
  });

  it('words when the sweep ran and how long it took', () => {
    expect(sweptWords(new Date(2026, 11, 6, 12, 10, 2), 10, 1234)).toBe('swept 12:10:02 · 10 ports in 1.2 s');
    expect(sweptWords(new Date(2026, 11, 6, 9, 0, 0), 1, 80)).toBe('swept 09:00:00 · 1 port in 0.1 s');
  });

  it('probes one tile again as SERVICE=PORT', () => {
    expect(onePort(check(18883, 'mqtts', 'fail'))).toBe('mqtts=18883');
  });
});
