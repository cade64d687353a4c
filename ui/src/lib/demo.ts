// The Demo view's state, fed one log line at a time: the connection state, counters, a
// bounded message log and bounded series for the live charts (temperature sent, request
// answer latency). Everything here has a fixed upper size, however long a demo runs.
import type { LogLine } from './bindings/LogLine';

export const LOG_LIMIT = 500;
export const SERIES_LIMIT = 120;

export interface DemoState {
  connection: 'idle' | 'connecting' | 'connected' | 'disconnected' | 'stopped';
  sent: number;
  received: number;
  answered: number;
  log: LogLine[];
  temperatures: number[];
  /** Milliseconds from a request's arrival to its answer, newest last. */
  latencies: number[];
}

export function initialDemo(): DemoState {
  return { connection: 'idle', sent: 0, received: 0, answered: 0, log: [], temperatures: [], latencies: [] };
}

function bounded<T>(items: T[], item: T, limit: number): T[] {
  const next = [...items, item];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

/** The state after one more line. */
export function applyLine(state: DemoState, line: LogLine, lastRequestAt: { at: number | null }): DemoState {
  const next = { ...state, log: bounded(state.log, line, LOG_LIMIT) };
  if (line.direction === 'state') {
    if (['connecting', 'connected', 'disconnected', 'stopped'].includes(line.subject)) {
      next.connection = line.subject as DemoState['connection'];
    }
    return next;
  }
  if (line.direction === 'in') {
    next.received += 1;
    lastRequestAt.at = line.atMs;
    return next;
  }
  try {
    const payload = JSON.parse(line.text) as Record<string, unknown>;
    if (typeof payload.temperature === 'number') {
      next.sent += 1;
      next.temperatures = bounded(state.temperatures, payload.temperature, SERIES_LIMIT);
    } else if ('id' in payload) {
      next.answered += 1;
      if (lastRequestAt.at !== null) next.latencies = bounded(state.latencies, line.atMs - lastRequestAt.at, SERIES_LIMIT);
      lastRequestAt.at = null;
    }
  } catch {
    // Not JSON: counted in the log only.
  }
  return next;
}

/** An SVG path through `values`, scaled into width × height (empty for fewer than 2). */
export function sparkline(values: readonly number[], width: number, height: number): string {
  if (values.length < 2) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const step = width / (values.length - 1);
  return values
    .map((v, i) => `${i === 0 ? 'M' : 'L'}${(i * step).toFixed(1)},${(height - ((v - min) / span) * height).toFixed(1)}`)
    .join(' ');
}

/** The log lines a filter text matches (in subject or text, case-insensitive). */
export function filterLog(log: readonly LogLine[], filter: string): LogLine[] {
  const f = filter.trim().toLowerCase();
  return f ? log.filter((l) => l.subject.toLowerCase().includes(f) || l.text.toLowerCase().includes(f)) : [...log];
}
