import { expect, it } from 'vitest';
import type { Check } from './bindings/Check';
import type { Report } from './bindings/Report';
import { changeLines, compareRuns, olderNewer, outcome, togglePick } from './runs';

const check = (kind: string, verdict: Check['verdict'], code: Check['code'] = 'OK'): Check => ({
  kind,
  endpoint: '',
  verdict,
  code,
  hint: '',
  evidence: '',
  reproduce: '',
  elapsedMs: 1,
  steps: [],
});

const report = (checks: Check[]): Report => ({
  tool: 'loopcheck',
  version: '0',
  startedAt: '',
  target: {},
  checks,
  summary: { pass: 0, warn: 0, fail: 0, skipped: 0 },
});

it('says what changed between two runs', () => {
  const yesterday = report([check('mqtt-tls', 'pass'), check('mqtt-tcp', 'pass'), check('ota', 'skipped')]);
  const today = report([check('mqtt-tls', 'fail', 'TLS_EXPIRED'), check('mqtt-tcp', 'pass'), check('lwm2m-psk', 'warn', 'UDP_NO_REPLY')]);
  const diffs = compareRuns(yesterday, today);
  expect(diffs.map((d) => d.kind)).toEqual(['mqtt-tls', 'mqtt-tcp', 'ota', 'lwm2m-psk']);
  expect(changeLines(diffs)).toEqual(['mqtt-tls: pass → TLS_EXPIRED', 'ota: skipped → —', 'lwm2m-psk: — → UDP_NO_REPLY']);
  expect(diffs[1]?.changed).toBe(false);
});

it('words an outcome', () => {
  expect(outcome(undefined)).toBe('—');
  expect(outcome(check('x', 'warn', 'MQTT_NO_ECHO'))).toBe('MQTT_NO_ECHO');
});

it('keeps at most the last two ticked, and orders them older then newer', () => {
  let picked = togglePick([], 7);
  picked = togglePick(picked, 3);
  expect(olderNewer(picked)).toEqual([3, 7]);
  picked = togglePick(picked, 9);
  expect(picked).toEqual([3, 9]);
  picked = togglePick(picked, 3);
  expect(picked).toEqual([9]);
  expect(olderNewer(picked)).toBeNull();
});
