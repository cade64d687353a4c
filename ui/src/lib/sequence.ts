// How a LwM2M check's conversation is shown: every CoAP message of every rung in order,
// with the rung it belongs to and the content format by name; what a bootstrap server
// provisioned; and what the server asked the device for.
import type { BootstrapOperation } from './bindings/BootstrapOperation';
import type { Check } from './bindings/Check';
import type { CoapMessage } from './bindings/CoapMessage';
import type { DtlsTrace } from './bindings/DtlsTrace';
import type { ProvisionedView } from './bindings/ProvisionedView';
import type { ServedRequest } from './bindings/ServedRequest';

export interface SequenceRow {
  step: string;
  message: CoapMessage;
  /** `device → server` or `server → device`. */
  arrow: string;
}

const FORMATS: Record<number, string> = {
  0: 'text/plain',
  40: 'link-format',
  42: 'octet-stream',
  60: 'cbor',
  110: 'senml+json',
  112: 'senml+cbor',
  11542: 'lwm2m+tlv',
  11543: 'lwm2m+json',
};

export function formatName(format: number | undefined): string {
  if (format === undefined) return '';
  return FORMATS[format] ?? `format ${format}`;
}

function isMessage(value: unknown): value is CoapMessage {
  return typeof value === 'object' && value !== null && 'direction' in value && 'code' in value && 'atMs' in value;
}

/** Every message of every rung, in the order the rungs ran. */
export function conversation(check: Check): SequenceRow[] {
  const rows: SequenceRow[] = [];
  for (const step of check.steps) {
    const messages = step.detail?.messages;
    if (!Array.isArray(messages)) continue;
    for (const message of messages) {
      if (!isMessage(message)) continue;
      rows.push({ step: step.name, message, arrow: message.direction === 'out' ? 'device → server' : 'server → device' });
    }
  }
  return rows;
}

/** What bootstrap provisioned, when the check got that far. */
export function provisioned(check: Check): ProvisionedView | null {
  const detail = check.steps.find((s) => s.name === 'provisioned' && s.ok)?.detail;
  return detail && typeof detail.serverUri === 'string' ? (detail as unknown as ProvisionedView) : null;
}

/** The bootstrap server's requests, in order. */
export function bootstrapOperations(check: Check): BootstrapOperation[] {
  const ops = check.steps.find((s) => s.name === 'provisioning')?.detail?.operations;
  return Array.isArray(ops) ? (ops as BootstrapOperation[]) : [];
}

/** What the LwM2M server asked the device for while it was registered. */
export function servedRequests(check: Check): ServedRequest[] {
  const requests = check.steps.find((s) => s.name === 'serve-reads')?.detail?.requests;
  return Array.isArray(requests) ? (requests as ServedRequest[]) : [];
}

/** The security mode as people say it. */
export function securityModeName(mode: number): string {
  return ['PSK', 'raw public key', 'certificate', 'NoSec', 'certificate (EST)'][mode] ?? `mode ${mode}`;
}

/** The DTLS handshakes of a check (to the bootstrap server, to the LwM2M server) in words. */
export function dtlsSummaries(check: Check): string[] {
  return check.steps
    .filter((s) => s.name === 'dtls' || s.name === 'server-dtls')
    .map((step) => {
      const trace = step.detail?.trace as DtlsTrace | undefined;
      const identity = typeof step.detail?.identity === 'string' ? step.detail.identity : null;
      const keyFrom = typeof step.detail?.keyFrom === 'string' ? step.detail.keyFrom : null;
      const parts = [step.name === 'dtls' ? 'DTLS' : 'DTLS to the provisioned server'];
      if (trace?.cipherSuite) parts.push(trace.cipherSuite);
      if (identity) parts.push(`identity "${identity}"`);
      if (keyFrom) parts.push(`key from ${keyFrom}`);
      if (step.detail?.keyFieldsDisagree === true) parts.push('the text and hex key fields disagree');
      if (trace?.cookieExchange) parts.push('cookie exchange');
      if (trace?.serverIdentityHint) parts.push(`server hint "${trace.serverIdentityHint}"`);
      if (trace?.alert) parts.push(`server alert: ${trace.alert}`);
      if (trace) parts.push(`${trace.datagramsSent} datagrams out, ${trace.datagramsReceived} in`);
      return parts.join(' · ');
    });
}
