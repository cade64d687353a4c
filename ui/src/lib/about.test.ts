import { expect, it } from 'vitest';
import { certLine, dbSourceWords, secretsWords } from './about';

it('says where the database path came from', () => {
  expect(dbSourceWords('environment')).toBe('from LOOPSTUDIO_DB');
  expect(dbSourceWords('default')).toBe('default location');
});

it('names the key file and whether it exists yet', () => {
  expect(secretsWords({ kind: 'keyFile', path: '/d/x.db.key', exists: true })).toBe('key file /d/x.db.key');
  expect(secretsWords({ kind: 'keyFile', path: '/d/x.db.key', exists: false })).toContain('created with the first secret');
  expect(secretsWords({ kind: 'keyring', service: 'Secret Service' })).toBe('OS keyring (Secret Service)');
  expect(secretsWords({ kind: 'notYetChosen', keyFile: '/d/x.db.key' })).toContain('OS keyring if it answers');
});

it('words a certificate for the PEM summary', () => {
  expect(certLine({ subject: 'CN=Acme Root CA', notAfter: '2031-04-02T00:00:00Z' })).toBe('CN=Acme Root CA · expires 2031-04-02');
});
