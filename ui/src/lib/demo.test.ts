import { expect, it } from 'vitest';
import type { LogLine } from './bindings/LogLine';
import { applyLine, filterLog, initialDemo, LOG_LIMIT, SERIES_LIMIT, sparkline } from './demo';

const line = (atMs: number, direction: string, subject: string, text: string): LogLine => ({ atMs, protocol: 'mqtt', direction, subject, text });

it('follows the connection and counts telemetry, requests and answers with their latency', () => {
  const clock = { at: null as number | null };
  let s = initialDemo();
  s = applyLine(s, line(0, 'state', 'connecting', 'h:1883'), clock);
  expect(s.connection).toBe('connecting');
  s = applyLine(s, line(5, 'state', 'connected', 'CONNACK'), clock);
  s = applyLine(s, line(10, 'out', 'acme/data', '{"ts":1,"temperature":21.5,"counter":1,"status":"ok"}'), clock);
  s = applyLine(s, line(20, 'in', 'acme/req', '{"id":1,"method":"ping"}'), clock);
  s = applyLine(s, line(23, 'out', 'acme/resp', '{"id":1,"result":"pong"}'), clock);
  expect([s.connection, s.sent, s.received, s.answered]).toEqual(['connected', 1, 1, 1]);
  expect(s.temperatures).toEqual([21.5]);
  expect(s.latencies).toEqual([3]);
});

it('never grows past its bounds, however many messages come', () => {
  const clock = { at: null as number | null };
  let s = initialDemo();
  for (let i = 0; i < 5000; i += 1) s = applyLine(s, line(i, 'out', 'd', `{"temperature":${i}}`), clock);
  expect(s.log.length).toBe(LOG_LIMIT);
  expect(s.temperatures.length).toBe(SERIES_LIMIT);
  expect(s.temperatures.at(-1)).toBe(4999);
  expect(s.sent).toBe(5000);
});

it('draws a sparkline and filters the log', () => {
  expect(sparkline([1], 100, 10)).toBe('');
  expect(sparkline([0, 10], 100, 10)).toBe('M0.0,10.0 L100.0,0.0');
  expect(sparkline([5, 5, 5], 10, 10)).toBe('M0.0,10.0 L5.0,10.0 L10.0,10.0');
  const log = [line(1, 'out', 'acme/data', 'x'), line(2, 'in', 'acme/req', 'PING')];
  expect(filterLog(log, 'req').length).toBe(1);
  expect(filterLog(log, 'ping')[0]?.atMs).toBe(2);
  expect(filterLog(log, '  ').length).toBe(2);
});
