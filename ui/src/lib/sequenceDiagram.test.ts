import { expect, it } from 'vitest';
import type { Check } from './bindings/Check';
import type { CoapMessage } from './bindings/CoapMessage';
import { formatName } from './sequence';
import { laneX, lanesOf, sequencePhases } from './sequenceDiagram';

const message = (atMs: number, direction: 'in' | 'out', code: string, uri = '', payloadBytes = 0): CoapMessage => ({
  atMs,
  direction,
  kind: code.startsWith('0.') && code !== '0.00' ? 'CON' : 'ACK',
  code,
  messageId: 1,
  token: 'ab',
  uri,
  payloadBytes,
  note: '',
});

const step = (name: string, detail: Record<string, unknown> = {}) => ({ name, ok: true, elapsedMs: 1, detail });

const bootstrapCheck: Check = {
  kind: 'lwm2m-bootstrap-psk',
  endpoint: 'bs.acme.example:15684/udp',
  verdict: 'pass',
  code: 'OK',
  hint: '',
  evidence: '',
  reproduce: '',
  elapsedMs: 400,
  steps: [
    step('dns'),
    step('dtls', { trace: { cipherSuite: 'TLS_PSK_WITH_AES_128_CCM_8' } }),
    step('bootstrap-request', { messages: [message(49, 'out', '0.02 POST', '/bs?ep=meter-0042'), message(62, 'in', '2.04 Changed')] }),
    step('provisioning', { messages: [message(93, 'in', '0.03 PUT', '/0/1', 40), message(94, 'out', '2.04 Changed')] }),
    step('provisioned'),
    step('server-dtls', {}),
    step('register', { messages: [message(5, 'out', '0.02 POST', '/rd?ep=meter-0042'), message(18, 'in', '2.01 Created', '/rd/5a3f')] }),
  ],
};

it('splits a bootstrap check into the bootstrap and the registration, each with its handshake', () => {
  const phases = sequencePhases(bootstrapCheck, formatName);
  expect(phases.map((p) => [p.lane, p.title, p.arrows.length])).toEqual([
    ['bootstrap', 'Bootstrap', 4],
    ['server', 'Register with the provisioned server', 2],
  ]);
  expect(phases[0]?.handshake).toBe('DTLS handshake · TLS_PSK_WITH_AES_128_CCM_8');
  expect(phases[1]?.handshake).toBe('DTLS handshake');
  expect(lanesOf(phases)).toEqual(['device', 'bootstrap', 'server']);
});

it('draws requests from their sender and answers dashed back', () => {
  const [bootstrap, register] = sequencePhases(bootstrapCheck, formatName);
  expect(bootstrap?.arrows[0]).toMatchObject({ from: 'device', to: 'bootstrap', label: '0.02 POST /bs?ep=meter-0042', response: false });
  expect(bootstrap?.arrows[1]).toMatchObject({ from: 'bootstrap', to: 'device', label: '2.04 Changed', response: true });
  expect(bootstrap?.arrows[2]).toMatchObject({ from: 'bootstrap', to: 'device', label: '0.03 PUT /0/1', response: false, aside: '40 B' });
  expect(register?.arrows[1]).toMatchObject({ from: 'server', to: 'device', label: '2.01 Created /rd/5a3f', response: true });
});

it('names a CoAP ping and its pong, the ping a request', () => {
  const ping = { ...message(0, 'out', '0.00'), kind: 'CON' };
  const pong = { ...message(1, 'in', '0.00'), kind: 'RST' };
  const check: Check = { ...bootstrapCheck, kind: 'lwm2m-nosec', steps: [step('coap-ping', { messages: [ping, pong] })] };
  const [phase] = sequencePhases(check, formatName);
  expect(phase?.arrows.map((a) => [a.label, a.response])).toEqual([
    ['CoAP ping (empty CON)', false],
    ['RST (pong)', true],
  ]);
});

it('puts a plain LwM2M check on two lanes', () => {
  const plain: Check = { ...bootstrapCheck, kind: 'lwm2m-nosec', steps: [step('register', { messages: [message(1, 'out', '0.02 POST', '/rd')] })] };
  const phases = sequencePhases(plain, formatName);
  expect(phases.map((p) => [p.lane, p.title])).toEqual([['server', 'Register']]);
  const lanes = lanesOf(phases);
  expect(lanes).toEqual(['device', 'server']);
  expect(laneX(lanes, 'device')).toBeLessThan(laneX(lanes, 'server'));
  expect(sequencePhases({ ...plain, steps: [] }, formatName)).toEqual([]);
});
