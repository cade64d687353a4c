// The Demo view's state, fed one log line at a time: a state and counters per protocol
// (MQTT, HTTP publishing, LwM2M, OTA), a bounded message log and bounded series for the live
// charts (temperature sent or notified, request answer latency). Fleet mode keeps bounded
// series of the fleet's counts. Everything here has a fixed upper size, however long a demo
// runs.
import type { UserLimits } from './bindings/UserLimits';
import type { FleetSnapshot } from './bindings/FleetSnapshot';
import type { Generator } from './bindings/Generator';
import type { LogLine } from './bindings/LogLine';

export const LOG_LIMIT = 500;
export const SERIES_LIMIT = 120;

/** The protocols a virtual device speaks, in the order their pills show. */
export const PROTOCOLS = ['mqtt', 'http', 'lwm2m', 'ota'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const PROTOCOL_LABELS: Record<Protocol, string> = {
  mqtt: 'MQTT',
  http: 'HTTP publish',
  lwm2m: 'LwM2M',
  ota: 'OTA',
};

/** How a pill looks: the colour family of a state (UI.md: pass, warn, fail, running). */
export type Tone = 'ok' | 'warn' | 'fail' | 'running' | 'idle';

export interface ProtocolState {
  /** The last state the runner reported: connecting, connected, registered, … */
  state: string;
  /** When that state began (ms since the demo started). */
  sinceMs: number;
  sent: number;
  received: number;
  /** What the last state line said: where it connected, where it registered. */
  note: string;
  /** When the next LwM2M Update or OTA poll is due (ms since the demo started). */
  nextAtMs: number | null;
  /** The registration lifetime the LwM2M server was given, in seconds. */
  lifetimeS: number | null;
}

/** A log line with what the screen knows about it beyond its text ("request", "answered in
 * 38 ms"), for the table's Note column. */
export type NotedLine = LogLine & { note: string };

export interface DemoState {
  /** Only the protocols the device has spoken so far, keyed by protocol. */
  protocols: Partial<Record<Protocol, ProtocolState>>;
  /** MQTT requests answered. */
  answered: number;
  log: NotedLine[];
  temperatures: number[];
  /** Milliseconds from a request's arrival to its answer, newest last. */
  latencies: number[];
  /** The newest line's time: the demo's clock as far as the screen knows it. */
  nowMs: number;
  /** Lines seen per protocol (the log keeps only the newest). */
  counts: Partial<Record<string, number>>;
}

export function initialDemo(): DemoState {
  return { protocols: {}, answered: 0, log: [], temperatures: [], latencies: [], nowMs: 0, counts: {} };
}

function bounded<T>(items: T[], item: T, limit: number): T[] {
  const next = [...items, item];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

function isProtocol(value: string): value is Protocol {
  return (PROTOCOLS as readonly string[]).includes(value);
}

/** The tone of a protocol's state, for its pill. */
export function stateTone(state: string | undefined): Tone {
  switch (state) {
    case 'connected':
    case 'registered':
      return 'ok';
    case 'update-waiting':
      return 'warn';
    case 'disconnected':
      return 'fail';
    case 'connecting':
    case 'bootstrapping':
    case 'bootstrapped':
      return 'running';
    default:
      return 'idle';
  }
}

/** A temperature the line carries: a JSON payload's `temperature`, or a notified /3303/0/5700. */
function temperatureOf(line: LogLine): number | null {
  if (line.protocol === 'lwm2m') {
    if (!line.subject.endsWith('/3303/0/5700')) return null;
    const value = Number.parseFloat(line.text);
    return Number.isFinite(value) ? value : null;
  }
  try {
    const payload = JSON.parse(line.text) as unknown;
    if (payload && typeof payload === 'object' && 'temperature' in payload) {
      const t = (payload as { temperature: unknown }).temperature;
      return typeof t === 'number' ? t : null;
    }
  } catch {
    // Not JSON: counted in the log only.
  }
  return null;
}

/** The state after one more line. `lastRequestAt` remembers when the pending MQTT request came. */
export function applyLine(state: DemoState, line: LogLine, lastRequestAt: { at: number | null }): DemoState {
  const noted: NotedLine = { ...line, note: '' };
  const next: DemoState = {
    ...state,
    log: bounded(state.log, noted, LOG_LIMIT),
    nowMs: Math.max(state.nowMs, line.atMs),
    counts: { ...state.counts, [line.protocol]: (state.counts[line.protocol] ?? 0) + 1 },
  };
  if (!isProtocol(line.protocol)) return next;
  const before = state.protocols[line.protocol] ?? { state: 'connecting', sinceMs: line.atMs, sent: 0, received: 0, note: '', nextAtMs: null, lifetimeS: null };
  const protocol = { ...before };
  next.protocols = { ...state.protocols, [line.protocol]: protocol };
  if (line.direction === 'state') {
    if (protocol.state !== line.subject) protocol.sinceMs = line.atMs;
    protocol.state = line.subject;
    protocol.note = line.text;
    const lifetime = /lifetime (\d+) s/.exec(line.text);
    if (line.subject === 'registered' && lifetime) {
      protocol.lifetimeS = Number(lifetime[1]);
      protocol.nextAtMs = line.atMs + updateAfterMs(protocol.lifetimeS);
    } else if (line.subject !== 'registered' && line.protocol === 'lwm2m') {
      protocol.nextAtMs = null;
    }
    return next;
  }
  if (line.protocol === 'lwm2m' && line.subject === 'update' && protocol.lifetimeS !== null) {
    protocol.nextAtMs = line.atMs + updateAfterMs(protocol.lifetimeS);
  }
  const poll = line.protocol === 'ota' ? /next poll in (\d+) s/.exec(line.text) : null;
  if (poll) protocol.nextAtMs = line.atMs + Number(poll[1]) * 1000;
  if (line.direction === 'in') {
    protocol.received += 1;
    if (line.protocol === 'mqtt') {
      lastRequestAt.at = line.atMs;
      noted.note = 'request';
    } else if (line.protocol === 'lwm2m') noted.note = 'server request';
    return next;
  }
  protocol.sent += 1;
  const temperature = temperatureOf(line);
  if (temperature !== null) {
    noted.note = 'telemetry';
    next.temperatures = bounded(state.temperatures, temperature, SERIES_LIMIT);
  } else if (line.protocol === 'mqtt' && lastRequestAt.at !== null) {
    next.answered += 1;
    next.latencies = bounded(state.latencies, line.atMs - lastRequestAt.at, SERIES_LIMIT);
    noted.note = `answered in ${line.atMs - lastRequestAt.at} ms`;
    lastRequestAt.at = null;
  }
  return next;
}

/** The virtual device updates its registration when three quarters of the lifetime have
 * passed, at least a second after the last (as the core's LwM2M client does). */
function updateAfterMs(lifetimeS: number): number {
  return Math.max(1000, lifetimeS * 750);
}

/** A protocol card's second line: where it talks to, how long it has been in its state,
 * and when the next LwM2M Update or OTA poll is due. */
export function cardWords(protocol: Protocol, p: ProtocolState, nowMs: number): string {
  const parts: string[] = [];
  const where = p.note.replace(/^CONNACK from /, '').replace(/^at /, '');
  if (where) parts.push(where.length > 48 ? `${where.slice(0, 47)}…` : where);
  const up = p.state === 'connected' || p.state === 'registered' || p.state === 'polling';
  parts.push(`${up ? 'up' : p.state} ${clockWords(Math.max(0, nowMs - p.sinceMs))}`);
  if (p.nextAtMs !== null) {
    const what = protocol === 'ota' ? 'next poll' : 'update';
    parts.push(`${what} in ${clockWords(Math.max(0, p.nextAtMs - nowMs))}`);
  }
  return parts.join(' · ');
}

/** The log lines a filter text matches (in protocol, subject or text, case-insensitive). */
export function filterLog<L extends LogLine>(log: readonly L[], filter: string): L[] {
  const f = filter.trim().toLowerCase();
  return f
    ? log.filter((l) => l.protocol.includes(f) || l.subject.toLowerCase().includes(f) || l.text.toLowerCase().includes(f))
    : [...log];
}

/** A fleet's counts as they come in, and bounded series of them for the chart. */
export interface FleetState {
  last: FleetSnapshot | null;
  connected: number[];
  perSecond: number[];
  p50: number[];
  p99: number[];
}

export function initialFleet(): FleetState {
  return { last: null, connected: [], perSecond: [], p50: [], p99: [] };
}

export function applySnapshot(state: FleetState, s: FleetSnapshot): FleetState {
  return {
    last: s,
    connected: bounded(state.connected, s.connected, SERIES_LIMIT),
    perSecond: bounded(state.perSecond, s.messagesPerS, SERIES_LIMIT),
    p50: s.ackP50Ms === undefined ? state.p50 : bounded(state.p50, s.ackP50Ms, SERIES_LIMIT),
    p99: s.ackP99Ms === undefined ? state.p99 : bounded(state.p99, s.ackP99Ms, SERIES_LIMIT),
  };
}

/** `12.3 ms`, or a dash when there is no figure yet. */
export function ms(value: number | undefined): string {
  return value === undefined ? '–' : `${value.toFixed(1)} ms`;
}

const within = (v: number, [low, high]: [number, number]) => Number.isFinite(v) && v >= low && v <= high;

/** The fleet form's values checked before they go to Rust, against the core's own bounds
 * (the catalog's `limits`; Rust checks them again). */
export function fleetInputProblem(
  count: number,
  ramp: number,
  rate: number,
  pattern: string,
  limits: UserLimits,
): string | null {
  const [low, high] = limits.fleetSize;
  if (!Number.isInteger(count) || !within(count, limits.fleetSize)) return `Devices: a whole number from ${low} to ${high}.`;
  if (!within(ramp, limits.rampPerS)) return `Ramp: from ${limits.rampPerS[0]} to ${limits.rampPerS[1]} devices per second.`;
  if (!within(rate, limits.ratePerS)) return `Rate: from ${limits.ratePerS[0]} to ${limits.ratePerS[1]} messages per second.`;
  if (!pattern.trim()) return 'Names: a pattern such as dev-{n}.';
  return null;
}

/** Why the telemetry settings cannot be used (a cleared or negative field), or null. The
 * Rust side checks them again; this keeps Start disabled with the reason beside it. */
export function generatorProblem(g: Generator, limits: UserLimits): string | null {
  const numbers: [string, unknown][] = [
    ['Temperature', g.base],
    ['Swing', g.amplitude],
    ['Period', g.periodS],
    ['Noise', g.noise],
  ];
  for (const [name, value] of numbers) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return `${name}: a number.`;
    if (Math.abs(value) > limits.generatorMaxAbs) return `${name}: at most ${limits.generatorMaxAbs} either way.`;
  }
  if (g.amplitude < 0 || g.periodS < 0 || g.noise < 0) return 'Swing, period and noise cannot be negative.';
  if ([...g.status].length > limits.statusMaxChars) return `Status: at most ${limits.statusMaxChars} characters.`;
  return null;
}

/** The protocols a model's templates make a virtual device speak, in pill order. */
export function protocolsOfKinds(kinds: readonly string[]): Protocol[] {
  const of = (kind: string): Protocol | null => {
    if (kind === 'mqtt-tcp' || kind === 'mqtt-tls') return 'mqtt';
    if (kind === 'mqtt-http' || kind === 'mqtt-https') return 'http';
    if (kind.startsWith('lwm2m')) return 'lwm2m';
    if (kind === 'ota') return 'ota';
    return null;
  };
  const found = new Set(kinds.map(of));
  return PROTOCOLS.filter((p) => found.has(p));
}

/** "2:14" (minutes:seconds), or "1:02:14" past an hour. */
export function clockWords(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The log filtered by protocol chip (`null`: all) and text, newest first, at most `limit`. */
export function shownLog<L extends LogLine>(log: readonly L[], protocol: string | null, text: string, limit: number): L[] {
  const byProtocol = protocol ? log.filter((l) => l.protocol === protocol) : log;
  return filterLog(byProtocol, text).slice(-limit).reverse();
}
