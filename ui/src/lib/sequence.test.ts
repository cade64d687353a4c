import { expect, it } from 'vitest';
import type { Check } from './bindings/Check';
import { bootstrapOperations, conversation, dtlsSummaries, formatName, provisioned, securityModeName, servedRequests } from './sequence';

const message = (direction: string, code: string, atMs: number) => ({
  atMs,
  direction,
  kind: direction === 'out' ? 'CON' : 'ACK',
  code,
  messageId: 1,
  token: 'ab',
  uri: '/rd?ep=m',
  contentFormat: 40,
  payloadBytes: 12,
});

const check: Check = {
  kind: 'lwm2m-bootstrap-nosec',
  endpoint: 'h:15683/udp',
  verdict: 'pass',
  code: 'OK',
  hint: '',
  evidence: '',
  reproduce: '',
  elapsedMs: 10,
  steps: [
    { name: 'dns', ok: true, elapsedMs: 0, detail: {} },
    { name: 'bootstrap-request', ok: true, elapsedMs: 1, detail: { messages: [message('out', '0.02 POST', 0), message('in', '2.04 Changed', 1)] } },
    {
      name: 'provisioning',
      ok: true,
      elapsedMs: 5,
      detail: { operations: [{ operation: 'Delete', path: '/', resources: [], code: '2.02 Deleted' }], messages: [message('in', '0.04 DELETE', 2), { junk: true }] },
    },
    { name: 'provisioned', ok: true, elapsedMs: 0, detail: { serverUri: 'coap://h:5683', securityMode: 3, serverInstance: true } },
    { name: 'serve-reads', ok: true, elapsedMs: 1500, detail: { requests: [{ method: 'GET', path: '/3/0', code: '2.05 Content', bytes: 80 }] } },
  ],
};

it('lays every message of every rung out in order, skipping what is not a message', () => {
  const rows = conversation(check);
  expect(rows.map((r) => [r.step, r.message.code, r.arrow])).toEqual([
    ['bootstrap-request', '0.02 POST', 'device → server'],
    ['bootstrap-request', '2.04 Changed', 'server → device'],
    ['provisioning', '0.04 DELETE', 'server → device'],
  ]);
});

it('finds what was provisioned, the operations and the reads', () => {
  expect(provisioned(check)?.serverUri).toBe('coap://h:5683');
  expect(bootstrapOperations(check)[0]?.operation).toBe('Delete');
  expect(servedRequests(check)[0]?.path).toBe('/3/0');
  expect(provisioned({ ...check, steps: [] })).toBeNull();
});

it('names formats and security modes', () => {
  expect(formatName(11542)).toBe('lwm2m+tlv');
  expect(formatName(9999)).toBe('format 9999');
  expect(formatName(undefined)).toBe('');
  expect(securityModeName(0)).toBe('PSK');
  expect(securityModeName(3)).toBe('NoSec');
  expect(securityModeName(9)).toBe('mode 9');
});

it('sums up a DTLS handshake in words', () => {
  const trace = {
    datagramsSent: 4,
    datagramsReceived: 3,
    cookieExchange: true,
    cipherSuite: 'TLS_PSK_WITH_AES_128_CCM_8',
    serverIdentityHint: 'CoAP',
    encryptedAlert: false,
    keyExchangeSent: true,
    finishedSent: true,
    serverFinished: true,
    unreachable: false,
  };
  const withDtls: Check = {
    ...check,
    steps: [{ name: 'dtls', ok: true, elapsedMs: 3, detail: { identity: 'meter', keyFrom: 'lwm2mPSKValue', keyFieldsDisagree: false, trace } }],
  };
  expect(dtlsSummaries(withDtls)).toEqual([
    'DTLS · TLS_PSK_WITH_AES_128_CCM_8 · identity "meter" · key from lwm2mPSKValue · cookie exchange · server hint "CoAP" · 4 datagrams out, 3 in',
  ]);
  expect(dtlsSummaries(check)).toEqual([]);
});
