// Words for the facts AppInfo carries, shared by the About panel and the status bar.
import type { DbPathSource } from './bindings/DbPathSource';
import type { SecretsLocation } from './bindings/SecretsLocation';

export function dbSourceWords(source: DbPathSource): string {
  switch (source) {
    case 'flag':
      return 'chosen with --db';
    case 'environment':
      return 'from LOOPSTUDIO_DB';
    case 'default':
      return 'default location';
  }
}

export function secretsWords(secrets: SecretsLocation): string {
  switch (secrets.kind) {
    case 'keyring':
      return `OS keyring (${secrets.service})`;
    case 'keyFile':
      return `key file ${secrets.path}${secrets.exists ? '' : ' (created with the first secret)'}`;
    case 'notYetChosen':
      return `OS keyring if it answers, else key file ${secrets.keyFile} (chosen with the first secret)`;
  }
}

/** "CN=Acme Root CA · expires 2031-04-02" for the PEM field's summary line. */
export function certLine(cert: { subject: string; notAfter: string }): string {
  return `${cert.subject} · expires ${cert.notAfter.slice(0, 10)}`;
}
