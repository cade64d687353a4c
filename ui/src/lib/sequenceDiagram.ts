// A LwM2M check's conversation laid out as a message-sequence diagram: a lane for the
// device, one for the bootstrap server (bootstrap checks only) and one for the LwM2M server;
// the messages grouped by the server they went to, each an arrow between two lanes with its
// code and path, responses dashed; a DTLS handshake a band across its phase.
import type { Check } from './bindings/Check';
import type { CoapMessage } from './bindings/CoapMessage';
import type { DtlsTrace } from './bindings/DtlsTrace';

export type Lane = 'device' | 'bootstrap' | 'server';

export interface Arrow {
  atMs: number;
  from: Lane;
  to: Lane;
  /** "0.02 POST /bs?ep=meter-0042", "2.04 Changed". */
  label: string;
  /** A response (or an empty ACK): drawn dashed. */
  response: boolean;
  /** Content format, payload size, the log's note. */
  aside: string;
}

export interface Phase {
  title: string;
  lane: Exclude<Lane, 'device'>;
  /** "DTLS 1.2 handshake · TLS_PSK_WITH_AES_128_CCM_8", when this phase ran over DTLS. */
  handshake: string | null;
  arrows: Arrow[];
}

/** Steps that talk to the bootstrap server, in a bootstrap check, up to `provisioned`. */
function bootstrapSteps(check: Check): Set<string> {
  if (!check.kind.startsWith('lwm2m-bootstrap')) return new Set();
  const names = new Set<string>();
  for (const step of check.steps) {
    names.add(step.name);
    if (step.name === 'provisioned') break;
  }
  return names;
}

function isMessage(value: unknown): value is CoapMessage {
  return typeof value === 'object' && value !== null && 'direction' in value && 'code' in value && 'atMs' in value;
}

function handshakeWords(detail: Record<string, unknown> | undefined): string | null {
  if (!detail) return null;
  const trace = detail.trace as DtlsTrace | undefined;
  return trace?.cipherSuite ? `DTLS handshake · ${trace.cipherSuite}` : 'DTLS handshake';
}

/** An empty message as people name it: a CON is a CoAP ping, its RST the pong. */
function emptyWords(kind: string): string {
  if (kind === 'CON') return 'CoAP ping (empty CON)';
  if (kind === 'RST') return 'RST (pong)';
  return `empty ${kind}`;
}

/** The phases of a check's conversation, in the order they ran (empty phases left out). */
export function sequencePhases(check: Check, formatName: (f: number | undefined) => string): Phase[] {
  const toBootstrap = bootstrapSteps(check);
  const phases: Phase[] = [];
  const phaseFor = (lane: Phase['lane']): Phase => {
    const last = phases.at(-1);
    if (last && last.lane === lane) return last;
    const next: Phase = {
      lane,
      title: lane === 'bootstrap' ? 'Bootstrap' : toBootstrap.size ? 'Register with the provisioned server' : 'Register',
      handshake: null,
      arrows: [],
    };
    phases.push(next);
    return next;
  };
  for (const step of check.steps) {
    const lane: Phase['lane'] = toBootstrap.has(step.name) ? 'bootstrap' : 'server';
    if (step.name === 'dtls' || step.name === 'server-dtls') {
      phaseFor(lane).handshake = handshakeWords(step.detail);
      continue;
    }
    const messages = step.detail?.messages;
    if (!Array.isArray(messages)) continue;
    for (const m of messages.filter(isMessage)) {
      if (!m.code) continue; // a note of the log, not a message
      const out = m.direction === 'out';
      const parts = [formatName(m.contentFormat), m.payloadBytes ? `${m.payloadBytes} B` : '', m.note].filter(Boolean);
      phaseFor(lane).arrows.push({
        atMs: m.atMs,
        from: out ? 'device' : lane,
        to: out ? lane : 'device',
        label: m.code === '0.00' ? emptyWords(m.kind) : [m.code, m.uri].filter(Boolean).join(' '),
        response: m.kind === 'ACK' || m.kind === 'RST' || !m.code.startsWith('0.'),
        aside: parts.join(' · '),
      });
    }
  }
  return phases.filter((p) => p.arrows.length || p.handshake);
}

/** The lanes a diagram needs, left to right. */
export function lanesOf(phases: readonly Phase[]): Lane[] {
  const used = new Set(phases.map((p) => p.lane));
  return (['device', 'bootstrap', 'server'] as const).filter((l) => l === 'device' || used.has(l));
}

/** Where a lane's line runs, in percent of the diagram's width. */
export function laneX(lanes: readonly Lane[], lane: Lane): number {
  const i = lanes.indexOf(lane);
  if (i < 0 || lanes.length < 2) return 50;
  return 12 + (76 * i) / (lanes.length - 1);
}
