import { expect, it } from 'vitest';
import type { Check } from './bindings/Check';
import { expiryWords, otaSummary } from './ota';

const check = (steps: Check['steps']): Check => ({
  kind: 'ota',
  endpoint: 'https://h/DEFAULT/controller/v1/dev-1',
  verdict: 'pass',
  code: 'OK',
  hint: '',
  evidence: '',
  reproduce: '',
  elapsedMs: 1,
  steps,
});

const cert = { subject: 'CN=dev-1', issuer: 'CN=CA', sans: [], notBefore: '2026-01-01T00:00:00Z', notAfter: '2026-12-10T00:00:00Z' };

it('gathers the certificate, target, polling and pending work', () => {
  const summary = otaSummary(
    check([
      { name: 'client-identity', ok: true, elapsedMs: 0, detail: { certificate: cert, keyEncoding: 'PKCS#8', expiresInDays: 13 } },
      { name: 'ddi-target', ok: true, elapsedMs: 0, detail: { pollUrl: 'https://h/DEFAULT/controller/v1/dev-1', tenant: 'DEFAULT', controllerId: 'dev-1', tenantFrom: 'url path', controllerFrom: 'OTA_CONTROLLER_ID' } },
      { name: 'ddi-poll', ok: true, elapsedMs: 3, detail: { polling: '00:05:00', pending: ['an update is waiting (deploymentBase)', 7] } },
    ]),
  );
  expect(summary?.certificate?.subject).toBe('CN=dev-1');
  expect(summary?.target?.controllerFrom).toBe('OTA_CONTROLLER_ID');
  expect(summary?.polling).toBe('00:05:00');
  expect(summary?.pending).toEqual(['an update is waiting (deploymentBase)']);
  expect(expiryWords(summary!)).toEqual({ text: 'expires in 13 days (2026-12-10T00:00:00Z)', soon: true });
});

it('says nothing for other kinds and copes with a check that stopped early', () => {
  expect(otaSummary({ ...check([]), kind: 'mqtt-tcp' })).toBeNull();
  const early = otaSummary(check([{ name: 'client-identity', ok: false, elapsedMs: 0, detail: { error: 'mismatch' } }]))!;
  expect([early.certificate, early.target, early.polling, early.pending]).toEqual([null, null, null, []]);
  expect(expiryWords(early)).toEqual({ text: '', soon: false });
  expect(expiryWords({ ...early, certificate: cert, expiresInDays: -2 }).text).toBe('expired 2026-12-10T00:00:00Z');
  expect(expiryWords({ ...early, certificate: cert, expiresInDays: 200 }).soon).toBe(false);
});
