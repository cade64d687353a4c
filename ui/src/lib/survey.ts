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

/** One endpoint of two surveys of a project, side by side. */
export interface EndpointChange {
  key: string;
  /** "mqtts 8883", with the host when the surveys name more than one. */
  label: string;
  before: string;
  after: string;
  changed: boolean;
}

/** "reachable", or the state and its code ("blocked (TCP_TIMEOUT)"), or "—" when absent. */
export function endpointOutcome(e: SurveyEndpoint | undefined): string {
  if (!e) return '—';
  return e.state === 'reachable' ? 'reachable' : `${e.state} (${e.code})`;
}

const endpointKey = (e: SurveyEndpoint) => `${e.host}|${e.port}|${e.transport}`;

/** Every endpoint either survey saw, sorted as the surveys are (host, then port). */
export function compareSurveys(older: Survey, newer: Survey): EndpointChange[] {
  const all = [...older.endpoints, ...newer.endpoints];
  const hosts = new Set(all.map((e) => e.host));
  const seen = new Map<string, SurveyEndpoint>();
  for (const e of all) if (!seen.has(endpointKey(e))) seen.set(endpointKey(e), e);
  const ordered = [...seen.values()].sort((a, b) => (a.host === b.host ? a.port - b.port : a.host < b.host ? -1 : 1));
  return ordered.map((e) => {
    const key = endpointKey(e);
    const before = endpointOutcome(older.endpoints.find((x) => endpointKey(x) === key));
    const after = endpointOutcome(newer.endpoints.find((x) => endpointKey(x) === key));
    const label = hosts.size > 1 ? `${e.service} ${e.port} on ${e.host}` : `${e.service} ${e.port}`;
    return { key, label, before, after, changed: before !== after };
  });
}

/** "mqtts 8883: blocked (TCP_TIMEOUT) → reachable" for each change. */
export function surveyChangeLines(changes: readonly EndpointChange[]): string[] {
  return changes.filter((c) => c.changed).map((c) => `${c.label}: ${c.before} → ${c.after}`);
}
