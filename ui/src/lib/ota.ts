// What an OTA check found, for the Test panel: the client certificate (who, by whom, until
// when, and whether that is soon), which tenant and controller were polled and why, the
// polling interval and the work the server has waiting.
import type { CertSummary } from './bindings/CertSummary';
import type { Check } from './bindings/Check';
import type { DdiTarget } from './bindings/DdiTarget';

export interface OtaSummary {
  certificate: CertSummary | null;
  keyEncoding: string | null;
  expiresInDays: number | null;
  target: DdiTarget | null;
  polling: string | null;
  pending: string[];
}

/** The days before expiry under which the panel warns. */
export const EXPIRY_WARNING_DAYS = 30;

export function otaSummary(check: Check): OtaSummary | null {
  if (check.kind !== 'ota') return null;
  const detail = (name: string) => check.steps.find((s) => s.name === name)?.detail ?? null;
  const identity = detail('client-identity');
  const target = detail('ddi-target');
  const poll = detail('ddi-poll');
  return {
    certificate: (identity?.certificate as CertSummary | null | undefined) ?? null,
    keyEncoding: typeof identity?.keyEncoding === 'string' ? identity.keyEncoding : null,
    expiresInDays: typeof identity?.expiresInDays === 'number' ? identity.expiresInDays : null,
    target: target && typeof target.pollUrl === 'string' ? (target as unknown as DdiTarget) : null,
    polling: typeof poll?.polling === 'string' ? poll.polling : null,
    pending: Array.isArray(poll?.pending) ? poll.pending.filter((p): p is string => typeof p === 'string') : [],
  };
}

/** "expires in 12 days" (soon), "expired", or the plain date. */
export function expiryWords(summary: OtaSummary): { text: string; soon: boolean } {
  const days = summary.expiresInDays;
  const until = summary.certificate?.notAfter ?? '';
  if (days === null) return { text: until ? `valid until ${until}` : '', soon: false };
  if (days < 0) return { text: `expired ${until}`, soon: true };
  if (days < EXPIRY_WARNING_DAYS) return { text: `expires in ${days} day${days === 1 ? '' : 's'} (${until})`, soon: true };
  return { text: `valid until ${until}`, soon: false };
}
