// How a site survey is shown: its endpoints and its firewall request as table rows, the
// summary in words, and the file names its exports get. Pure; the Survey view only draws.
import type { FirewallRule } from './bindings/FirewallRule';
import type { Reach } from './bindings/Reach';
import type { Survey } from './bindings/Survey';
import type { SurveyEndpoint } from './bindings/SurveyEndpoint';
import type { SurveySummary } from './bindings/SurveySummary';

/** The CSS tone of a state, as the other tables use them. */
export function tone(state: Reach): 'pass' | 'warn' | 'fail' {
  return { reachable: 'pass', failed: 'warn', blocked: 'fail' }[state] as 'pass' | 'warn' | 'fail';
}

export function summaryWords(s: SurveySummary): string {
  const endpoints = s.endpoints === 1 ? '1 endpoint' : `${s.endpoints} endpoints`;
  return `${endpoints} · ${s.reachable} reachable · ${s.blocked} blocked · ${s.failed} failed`;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export interface EndpointRow {
  key: string;
  endpoint: string;
  service: string;
  devices: string;
  state: Reach;
  code: string;
  via: string;
  hint: string;
}

export function endpointRows(endpoints: readonly SurveyEndpoint[]): EndpointRow[] {
  return endpoints.map((e) => ({
    key: `${e.host}|${e.port}|${e.transport}`,
    endpoint: `${hostPort(e.host, e.port)}/${e.transport}`,
    service: e.service,
    devices: e.devices.join(', '),
    state: e.state,
    code: e.code,
    via: e.via === 'proxy' ? 'through the proxy' : 'direct',
    hint: e.hint,
  }));
}

export interface RuleRow {
  key: string;
  destination: string;
  addresses: string;
  port: string;
  protocol: string;
  purpose: string;
  note: string;
  state: Reach;
}

export function ruleRows(rules: readonly FirewallRule[]): RuleRow[] {
  return rules.map((r) => ({
    key: `${r.host}|${r.port}|${r.transport}`,
    destination: r.host,
    addresses: r.addresses.join(', '),
    port: `${r.port}/${r.transport.toUpperCase()}`,
    protocol: r.protocol,
    purpose: r.purpose,
    note: r.note ?? '',
    state: r.state,
  }));
}

/** A file name for an export of `survey`: project and start time, safe on every file system. */
export function surveyFileName(survey: Survey, what: 'survey' | 'firewall-request', ext: 'html' | 'json' | 'csv'): string {
  const stamp = survey.startedAt.replace(/\.\d+Z$/, 'Z').replace(/[:]/g, '-');
  const safe = survey.project.replace(/[^A-Za-z0-9._-]+/g, '_') || 'project';
  return `${safe}-${what}-${stamp}.${ext}`;
}
