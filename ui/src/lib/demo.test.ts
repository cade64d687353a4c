import { LIMITS } from './testLimits';
import { describe, expect, it } from 'vitest';
import type { FleetSnapshot } from './bindings/FleetSnapshot';
import type { LogLine } from './bindings/LogLine';
import {
  applyLine,
  applySnapshot,
  cardWords,
  clockWords,
  filterLog,
  fleetInputProblem,
  generatorProblem,
  initialDemo,
  initialFleet,
  LOG_LIMIT,
  ms,
  protocolsOfKinds,
  SERIES_LIMIT,
  shownLog,
  stateTone,
} from './demo';



const line = (atMs: number, direction: string, subject: string, text: string, protocol = 'mqtt'): LogLine => ({
  atMs,
  protocol,
  direction,
  subject,
  text,
});

it('follows the MQTT connection and counts telemetry, requests and answers with their latency', () => {
  const clock = { at: null as number | null };
  let s = initialDemo();
  s = applyLine(s, line(0, 'state', 'connecting', 'h:1883'), clock);
  expect(s.protocols.mqtt?.state).toBe('connecting');
  s = applyLine(s, line(5, 'state', 'connected', 'CONNACK'), clock);
  s = applyLine(s, line(10, 'out', 'acme/data', '{"ts":1,"temperature":21.5,"counter":1,"status":"ok"}'), clock);
  s = applyLine(s, line(20, 'in', 'acme/req', '{"id":1,"method":"ping"}'), clock);
  s = applyLine(s, line(23, 'out', 'acme/resp', '{"id":1,"result":"pong"}'), clock);
  expect(s.protocols.mqtt).toMatchObject({ state: 'connected', sent: 2, received: 1 });
  expect(s.answered).toBe(1);
  expect(s.temperatures).toEqual([21.5]);
  expect(s.latencies).toEqual([3]);
  expect(s.log.map((l) => l.note)).toEqual(['', '', 'telemetry', 'request', 'answered in 3 ms']);
});

it('keeps one state per protocol and charts LwM2M notifications of the temperature', () => {
  const clock = { at: null as number | null };
  let s = initialDemo();
  s = applyLine(s, line(0, 'state', 'registered', 'at /rd/1', 'lwm2m'), clock);
  s = applyLine(s, line(1, 'in', 'GET /3/0', '2.05 Content', 'lwm2m'), clock);
  s = applyLine(s, line(2, 'out', 'notify /3303/0/5700', '22.25', 'lwm2m'), clock);
  s = applyLine(s, line(3, 'out', 'notify /3/0', 'binary', 'lwm2m'), clock);
  s = applyLine(s, line(4, 'state', 'update-waiting', 'a deployment', 'ota'), clock);
  s = applyLine(s, line(5, 'state', 'disconnected', 'refused', 'http'), clock);
  s = applyLine(s, line(6, 'state', 'x', 'from a protocol this view does not know', 'carrier-pigeon'), clock);
  expect(Object.keys(s.protocols).sort()).toEqual(['http', 'lwm2m', 'ota']);
  expect(s.protocols.lwm2m).toMatchObject({ state: 'registered', sent: 2, received: 1 });
  expect(s.temperatures).toEqual([22.25]);
  expect(s.answered).toBe(0);
  expect(s.log.length).toBe(7);
  expect([stateTone(s.protocols.lwm2m?.state), stateTone(s.protocols.ota?.state), stateTone(s.protocols.http?.state)]).toEqual([
    'ok',
    'warn',
    'fail',
  ]);
  expect([stateTone('bootstrapping'), stateTone('stopped'), stateTone(undefined)]).toEqual(['running', 'idle', 'idle']);
});

it('never grows past its bounds, however many messages come', () => {
  const clock = { at: null as number | null };
  let s = initialDemo();
  for (let i = 0; i < 5000; i += 1) s = applyLine(s, line(i, 'out', 'd', `{"temperature":${i}}`), clock);
  expect(s.log.length).toBe(LOG_LIMIT);
  expect(s.temperatures.length).toBe(SERIES_LIMIT);
  expect(s.temperatures.at(-1)).toBe(4999);
  expect(s.protocols.mqtt?.sent).toBe(5000);
});

it('filters the log', () => {
  const log = [line(1, 'out', 'acme/data', 'x'), line(2, 'in', 'acme/req', 'PING'), line(3, 'in', 'GET /3/0', '2.05', 'lwm2m')];
  expect(filterLog(log, 'req').length).toBe(1);
  expect(filterLog(log, 'ping')[0]?.atMs).toBe(2);
  expect(filterLog(log, 'lwm2m')[0]?.atMs).toBe(3);
  expect(filterLog(log, '  ').length).toBe(3);
});

it('follows a fleet in bounded series and checks its form', () => {
  const snapshot = (n: number, p50?: number): FleetSnapshot => ({
    atMs: n * 1000,
    devices: 100,
    started: n,
    connected: n,
    failed: 0,
    messagesSent: n * 10,
    messagesPerS: 10,
    ...(p50 === undefined ? {} : { ackP50Ms: p50, ackP90Ms: p50 * 2, ackP99Ms: p50 * 3 }),
  });
  let f = initialFleet();
  f = applySnapshot(f, snapshot(1));
  expect([f.connected, f.p50]).toEqual([[1], []]);
  for (let i = 2; i < 500; i += 1) f = applySnapshot(f, snapshot(i, 1.5));
  expect(f.connected.length).toBe(SERIES_LIMIT);
  expect(f.last?.connected).toBe(499);
  expect(f.p99.at(-1)).toBe(4.5);
  expect([ms(undefined), ms(2.25)]).toEqual(['–', '2.3 ms']);
  expect(fleetInputProblem(10, 5, 1, 'dev-{n}', LIMITS)).toBeNull();
  expect(fleetInputProblem(0, 5, 1, 'dev-{n}', LIMITS)).toMatch(/Devices/);
  expect(fleetInputProblem(10.5, 5, 1, 'dev-{n}', LIMITS)).toMatch(/Devices/);
  expect(fleetInputProblem(10, 0, 1, 'dev-{n}', LIMITS)).toMatch(/Ramp/);
  expect(fleetInputProblem(10, 5, 2000, 'dev-{n}', LIMITS)).toMatch(/Rate/);
  expect(fleetInputProblem(10, 5, 1, ' ', LIMITS)).toMatch(/Names/);
});

it('names a telemetry setting that cannot be used', () => {
  const good = { base: 21, amplitude: 3, periodS: 60, noise: 0.2, status: 'ok' };
  expect(generatorProblem(good, LIMITS)).toBeNull();
  // A cleared number field binds to null.
  expect(generatorProblem({ ...good, base: null as unknown as number }, LIMITS)).toMatch(/Temperature/);
  expect(generatorProblem({ ...good, noise: -1 }, LIMITS)).toMatch(/negative/);
  expect(generatorProblem({ ...good, status: 'x'.repeat(65) }, LIMITS)).toMatch(/Status/);
  // The magnitude bound the core enforces (the UI used to let 1e7 through).
  expect(generatorProblem({ ...good, base: 1e7 }, LIMITS)).toMatch(/at most 1000000/);
});

describe('the demo screen', () => {
  it('knows which protocols a model speaks, in pill order', () => {
    expect(protocolsOfKinds(['ota', 'mqtt-tls', 'lwm2m-bootstrap-psk', 'mqtt-https'])).toEqual(['mqtt', 'http', 'lwm2m', 'ota']);
    expect(protocolsOfKinds(['mqtt-tcp', 'mqtt-tls'])).toEqual(['mqtt']);
    expect(protocolsOfKinds([])).toEqual([]);
  });

  it('keeps when each state began, the clock and counts per protocol', () => {
    const clock = { at: null };
    let s = initialDemo();
    s = applyLine(s, line(10, 'state', 'connecting', ''), clock);
    s = applyLine(s, line(250, 'state', 'connected', ''), clock);
    s = applyLine(s, line(900, 'out', 'acme/data', '{"temperature":21}'), clock);
    s = applyLine(s, line(950, 'state', 'connected', ''), clock);
    expect(s.protocols.mqtt).toMatchObject({ state: 'connected', sinceMs: 250, sent: 1 });
    expect(s.nowMs).toBe(950);
    expect(s.counts).toEqual({ mqtt: 4 });
  });

  it('words an uptime', () => {
    expect(clockWords(134_000)).toBe('2:14');
    expect(clockWords(3_734_000)).toBe('1:02:14');
    expect(clockWords(-5)).toBe('0:00');
  });

  it('shows the log newest first, by protocol chip and text', () => {
    const log = [line(1, 'out', 'acme/data', 'x'), line(2, 'in', 'acme/req', 'PING'), line(3, 'in', 'GET /3/0', '2.05', 'lwm2m')];
    expect(shownLog(log, null, '', 10).map((l) => l.atMs)).toEqual([3, 2, 1]);
    expect(shownLog(log, 'mqtt', '', 10).map((l) => l.atMs)).toEqual([2, 1]);
    expect(shownLog(log, 'mqtt', 'ping', 10).map((l) => l.atMs)).toEqual([2]);
    expect(shownLog(log, null, '', 1).map((l) => l.atMs)).toEqual([3]);
  });
});

it('says on each card where it talks to, since when, and when the next Update or poll is due', () => {
  const clock = { at: null as number | null };
  let s = initialDemo();
  s = applyLine(s, line(1_000, 'state', 'connected', 'CONNACK from mqtt.acme.example:8883'), clock);
  s = applyLine(s, line(2_000, 'state', 'registered', 'at /rd/5a3f with 10.0.0.5:5684, lifetime 300 s', 'lwm2m'), clock);
  s = applyLine(s, line(3_000, 'state', 'connected', 'https://ota.acme.example/DEFAULT/controller/v1/m', 'ota'), clock);
  s = applyLine(s, line(3_100, 'in', 'ddi-poll', 'nothing pending (next poll in 300 s)', 'ota'), clock);
  const now = 62_000;
  expect(cardWords('mqtt', s.protocols.mqtt!, now)).toBe('mqtt.acme.example:8883 · up 1:01');
  // An Update when three quarters of the 300 s lifetime have passed: 225 s after registering.
  expect(cardWords('lwm2m', s.protocols.lwm2m!, now)).toBe('/rd/5a3f with 10.0.0.5:5684, lifetime 300 s · up 1:00 · update in 2:45');
  expect(cardWords('ota', s.protocols.ota!, now)).toMatch(/ · up 0:59 · next poll in 4:01$/);
  // An Update resets the countdown; losing the registration drops it.
  s = applyLine(s, line(227_000, 'out', 'update', '/rd/5a3f: 2.04 Changed', 'lwm2m'), clock);
  expect(s.protocols.lwm2m!.nextAtMs).toBe(227_000 + 225_000);
  s = applyLine(s, line(230_000, 'state', 'disconnected', 'no reply; trying again in 1 s', 'lwm2m'), clock);
  expect(cardWords('lwm2m', s.protocols.lwm2m!, 231_000)).toBe('no reply; trying again in 1 s · disconnected 0:01');
});
