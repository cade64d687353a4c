// The network side of a device's checks as the Test tab and Settings show it: the app's proxy
// preference (remembered on this computer; it holds no password — the proxy URL itself is the
// project's sealed PROXY_URL or the environment's), the header's proxy line, and the "ways
// round" rows of a report's `paths`.
import type { ProxyInUse } from './bindings/ProxyInUse';
import type { ProxyPreference } from './bindings/ProxyPreference';
import type { Reach } from './bindings/Reach';
import type { ServicePaths } from './bindings/ServicePaths';
import type { Way } from './bindings/Way';

export const PROXY_STORAGE_KEY = 'loopstudio.proxy';
export const DEFAULT_PROXY_PREFERENCE: ProxyPreference = { off: false, mqtt: false };

/** The stored preference; anything unreadable is the default (use the proxy, MQTT direct). */
export function parseProxyPreference(stored: string | null | undefined): ProxyPreference {
  if (!stored) return { ...DEFAULT_PROXY_PREFERENCE };
  try {
    const value: unknown = JSON.parse(stored);
    if (typeof value !== 'object' || value === null) return { ...DEFAULT_PROXY_PREFERENCE };
    const { off, mqtt } = value as Record<string, unknown>;
    return { off: off === true, mqtt: mqtt === true };
  } catch {
    return { ...DEFAULT_PROXY_PREFERENCE };
  }
}

export function loadProxyPreference(storage: Pick<Storage, 'getItem'>): ProxyPreference {
  try {
    return parseProxyPreference(storage.getItem(PROXY_STORAGE_KEY));
  } catch {
    return { ...DEFAULT_PROXY_PREFERENCE };
  }
}

export function saveProxyPreference(storage: Pick<Storage, 'setItem'>, preference: ProxyPreference): void {
  try {
    storage.setItem(PROXY_STORAGE_KEY, JSON.stringify({ off: preference.off, mqtt: preference.mqtt }));
  } catch {
    // Storage can be unavailable; the choice then lasts this session.
  }
}

/** The header's proxy line: which proxy, where it came from, whether MQTT goes through it. */
export function proxyWords(proxy: ProxyInUse | null | undefined, preference: ProxyPreference): string {
  if (preference.off) return 'Direct: the proxy is off in Settings';
  if (!proxy) return 'Direct: no proxy set (project PROXY_URL or the environment)';
  const mqtt = proxy.mqtt ? 'MQTT too' : 'HTTP and OTA; MQTT direct';
  return `Through ${proxy.url} (from ${proxy.source}; ${mqtt})`;
}

const REACH_WORDS: Record<Reach, string> = { reachable: 'works', blocked: 'blocked', failed: 'gets through, fails' };

export interface WayRow {
  state: Reach;
  /** "works", "blocked", "gets through, fails". */
  stateWords: string;
  kind: string;
  endpoint: string;
  via: string;
  code: string;
  /** Tried only to find the way round (not one of the run's own checks). */
  extra: boolean;
}

function hostPort(way: Way): string {
  return way.host.includes(':') ? `[${way.host}]:${way.port}` : `${way.host}:${way.port}`;
}

export function wayRows(service: ServicePaths): WayRow[] {
  return service.ways.map((way) => ({
    state: way.state,
    stateWords: REACH_WORDS[way.state],
    kind: way.kind,
    endpoint: `${hostPort(way)}/${way.transport}`,
    via: way.via === 'proxy' ? 'through the proxy' : 'direct',
    code: way.code,
    extra: way.extra,
  }));
}

/** "MQTT", "LwM2M", … as the section's titles. */
export function serviceTitle(service: ServicePaths): string {
  return { mqtt: 'MQTT', lwm2m: 'LwM2M', bootstrap: 'LwM2M bootstrap', ota: 'OTA' }[service.service];
}
