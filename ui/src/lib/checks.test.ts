import { describe, expect, it } from 'vitest';
import type { Check } from './bindings/Check';
import type { Report } from './bindings/Report';
import { addStep, clockWords, currentReport, interceptionWords, reportFileName, rowsFromReport, statusWord, stepNote, summarise, tlsChain, waterfall } from './checks';

const check = (kind: string, verdict: Check['verdict'], steps: Check['steps'] = []): Check => ({
  kind,
  endpoint: 'h:1',
  verdict,
  code: 'OK',
  hint: '',
  evidence: '',
  reproduce: '',
  elapsedMs: 10,
  steps,
});

it('words the verdicts', () => {
  expect(statusWord(check('mqtt-tcp', 'fail'))).toBe('FAIL');
  expect(statusWord(check('ota', 'skipped'))).toBe('SKIP');
});

it('lays rungs end to end on the scale', () => {
  const bars = waterfall(
    [
      { name: 'dns', ok: true, elapsedMs: 10, detail: {} },
      { name: 'tcp', ok: true, elapsedMs: 30, detail: {} },
    ],
    80,
  );
  expect(bars.map((b) => [b.left, b.width])).toEqual([
    [0, 12.5],
    [12.5, 37.5],
  ]);
  expect(waterfall([{ name: 'x', ok: true, elapsedMs: 0, detail: {} }], 0)[0]?.width).toBe(0.5);
});

it('finds the recorded chain', () => {
  const chain = [{ subject: 'CN=localhost', issuer: 'CN=CA', sans: [], notBefore: '', notAfter: '' }];
  expect(tlsChain(check('mqtt-tls', 'pass', [{ name: 'tls', ok: true, elapsedMs: 1, detail: { chain } }]))).toEqual(chain);
  expect(tlsChain(check('mqtt-tcp', 'pass'))).toEqual([]);
});

it('collects live rungs per template position', () => {
  const step = (name: string) => ({ name, ok: true, elapsedMs: 1, detail: {} });
  let live = addStep({}, { index: 2, kind: 'mqtt-tcp', endpoint: 'h:1', step: step('dns') });
  live = addStep(live, { index: 2, kind: 'mqtt-tcp', endpoint: 'h:1', step: step('tcp') });
  live = addStep(live, { index: 0, kind: 'mqtt-http', endpoint: 'u', step: step('dns') });
  expect(live[2]?.map((s) => s.name)).toEqual(['dns', 'tcp']);
  expect(live[0]?.map((s) => s.name)).toEqual(['dns']);
});

it('puts a re-run check in its row and recounts the summary', () => {
  const base: Report = {
    tool: 'loopcheck',
    version: '0',
    startedAt: '2026-11-26T10:00:00.123Z',
    target: {},
    checks: [check('mqtt-tcp', 'fail'), check('mqtt-http', 'pass')],
    summary: { pass: 1, warn: 0, fail: 1, skipped: 0 },
  };
  const rows = rowsFromReport(base, [0, 1]);
  const rerun: Report = { ...base, checks: [check('mqtt-tcp', 'pass')] };
  const merged = { ...rows, ...rowsFromReport(rerun, [0]) };
  const now = currentReport(base, merged, 2);
  expect(now.checks.map((c) => c.verdict)).toEqual(['pass', 'pass']);
  expect(now.summary).toEqual({ pass: 2, warn: 0, fail: 0, skipped: 0 });
  expect(summarise([check('a', 'warn'), check('b', 'skipped')])).toEqual({ pass: 0, warn: 1, fail: 0, skipped: 1 });
});

it('names report files after the device and the start time', () => {
  expect(reportFileName('meter 1/a', '2026-11-26T10:00:00.123Z', 'html')).toBe('meter_1_a-2026-11-26T10-00-00Z.html');
  expect(reportFileName('', '2026-11-26T10:00:00Z', 'json')).toBe('device-2026-11-26T10-00-00Z.json');
});

it('notes each address a rung resolved or tried, and the clock offset', () => {
  const step = (name: string, detail: Record<string, unknown>) => ({ name, ok: true, elapsedMs: 1, detail }) as unknown as Check['steps'][number];
  expect(stepNote(step('dns', { addresses: ['::1', '127.0.0.1'], ipv4: 1, ipv6: 1 }))).toBe('::1, 127.0.0.1');
  const tcp = step('tcp', {
    connected: '127.0.0.1:1883',
    addresses: [
      { address: '[::1]:1883', family: 'IPv6', outcome: 'refused', error: '[::1]:1883 refused the connection' },
      { address: '127.0.0.1:1883', family: 'IPv4', outcome: 'ok' },
    ],
  });
  expect(stepNote(tcp)).toBe('[::1]:1883 refused · 127.0.0.1:1883 ok');
  expect(stepNote(step('http-post', { status: 204, clockOffsetS: -3600 }))).toBe("this computer is 3600 s ahead of the server's clock");
  expect(stepNote(step('mqtt-connect', { sessionPresent: false }))).toBe('');
  const proxy = step('proxy', { proxy: 'http://ops:••••••@10.0.0.8:3128', source: '$HTTPS_PROXY', connect: 'mqtt.acme.example:443', status: 200 });
  expect(stepNote(proxy)).toBe('through http://ops:••••••@10.0.0.8:3128 (from $HTTPS_PROXY) to mqtt.acme.example:443 200');
  expect(clockWords(1)).toBe('clock in step with the server');
  expect(clockWords(90)).toBe("this computer is 90 s behind the server's clock");
});

describe('interception', () => {
  const check = (detail: Record<string, unknown>): Check =>
    ({
      kind: 'mqtt-tls',
      endpoint: 'h:8883',
      verdict: 'fail',
      code: 'TLS_INTERCEPTED',
      hint: '',
      evidence: '',
      reproduce: '',
      elapsedMs: 1,
      steps: [{ name: 'tls', ok: false, elapsedMs: 1, detail }],
    }) as Check;
  it('names the issuer and what it is', () => {
    expect(interceptionWords(check({ interception: { issuer: 'CN=mitmproxy, O=mitmproxy', by: 'mitmproxy, a TLS-inspecting product' } }))).toBe(
      'Replaced certificate: issued by CN=mitmproxy, O=mitmproxy — mitmproxy, a TLS-inspecting product',
    );
  });
  it('is silent without a verdict or with a malformed one', () => {
    expect(interceptionWords(check({}))).toBeNull();
    expect(interceptionWords(check({ interception: 'x' }))).toBeNull();
    expect(interceptionWords(check({ interception: { issuer: 1 } }))).toBeNull();
  });
});

describe('suites', () => {
  it('names the suites a profiled DTLS server accepts', () => {
    const step = { name: 'dtls', ok: false, elapsedMs: 1, detail: { suites: { accepted: ['TLS_PSK_WITH_AES_128_CBC_SHA256'], refused: [], unanswered: [] } } };
    expect(stepNote(step)).toBe('the server accepts TLS_PSK_WITH_AES_128_CBC_SHA256');
    const none = { ...step, detail: { suites: { accepted: [] } } };
    expect(stepNote(none)).toBe('the server accepts none of the PSK suites asked about');
  });
});

describe('key readings', () => {
  it('says which other readings of the key were tried', () => {
    const step = {
      name: 'dtls',
      ok: false,
      elapsedMs: 1,
      detail: { readingsTried: [{ reading: 'key read as text', worked: false }, { reading: 'identity without surrounding whitespace', worked: true }] },
    };
    expect(stepNote(step)).toBe('tried: key read as text refused too, identity without surrounding whitespace works');
  });
});

describe('path MTU', () => {
  it('gives the largest datagram that got through, and the smallest lost', () => {
    const step = { name: 'path-mtu', ok: true, elapsedMs: 1, detail: { largestBytes: 984, lostBytes: 1016, tried: [] } };
    expect(stepNote(step)).toBe('largest datagram answered: 984 bytes, 1016 lost');
    expect(stepNote({ ...step, detail: { largestBytes: 1472 } })).toBe('largest datagram answered: 1472 bytes');
  });
});

describe('timing', () => {
  it('names repeats, the slowest clean round trip and the first DTLS answer', () => {
    const coap = { name: 'register', ok: true, elapsedMs: 1, detail: { timing: { retransmissions: 2, roundTripsMs: [3.5, 12] } } };
    expect(stepNote(coap)).toBe('2 retransmissions — round trip 12 ms');
    const dtls = { name: 'dtls', ok: true, elapsedMs: 1, detail: { trace: { retransmissions: 1, firstAnswerMs: 40.2 } } };
    expect(stepNote(dtls)).toBe('1 retransmission — first answer after 40.2 ms');
    const clean = { name: 'register', ok: true, elapsedMs: 1, detail: { timing: { retransmissions: 0, roundTripsMs: [] } } };
    expect(stepNote(clean)).toBe('');
  });
});

