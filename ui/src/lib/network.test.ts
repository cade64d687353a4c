import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROXY_PREFERENCE,
  loadProxyPreference,
  parseProxyPreference,
  PROXY_STORAGE_KEY,
  proxyWords,
  saveProxyPreference,
  serviceTitle,
  wayRows,
} from './network';
import type { ServicePaths } from './bindings/ServicePaths';

describe('the proxy preference', () => {
  it('reads only the two switches and defaults on anything else', () => {
    expect(parseProxyPreference('{"off":true,"mqtt":true}')).toEqual({ off: true, mqtt: true });
    expect(parseProxyPreference('{"off":"yes","url":"http://u:p@h:1"}')).toEqual({ off: false, mqtt: false });
    expect(parseProxyPreference('not json')).toEqual(DEFAULT_PROXY_PREFERENCE);
    expect(parseProxyPreference(null)).toEqual(DEFAULT_PROXY_PREFERENCE);
    expect(parseProxyPreference('null')).toEqual(DEFAULT_PROXY_PREFERENCE);
  });

  it('round-trips through storage and survives a storage that throws', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    saveProxyPreference(storage, { off: false, mqtt: true });
    expect(store.get(PROXY_STORAGE_KEY)).toBe('{"off":false,"mqtt":true}');
    expect(loadProxyPreference(storage)).toEqual({ off: false, mqtt: true });
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('full');
      },
    };
    expect(loadProxyPreference(broken)).toEqual(DEFAULT_PROXY_PREFERENCE);
    expect(() => saveProxyPreference(broken, { off: true, mqtt: false })).not.toThrow();
  });
});

describe('the header line', () => {
  const proxy = { url: 'http://ops:••••••@proxy.acme:3128', source: '$HTTPS_PROXY', mqtt: false };
  it('names the proxy, its source and what goes through it', () => {
    expect(proxyWords(proxy, DEFAULT_PROXY_PREFERENCE)).toBe(
      'Through http://ops:••••••@proxy.acme:3128 (from $HTTPS_PROXY; HTTP and OTA; MQTT direct)',
    );
    expect(proxyWords({ ...proxy, mqtt: true }, { off: false, mqtt: true })).toContain('MQTT too');
  });
  it('says direct, and why', () => {
    expect(proxyWords(null, DEFAULT_PROXY_PREFERENCE)).toMatch(/^Direct: no proxy set/);
    expect(proxyWords(proxy, { off: true, mqtt: false })).toBe('Direct: the proxy is off in Settings');
  });
});

describe('ways round', () => {
  const service: ServicePaths = {
    service: 'mqtt',
    advice: 'TCP 8883 is blocked from this network; …',
    ways: [
      { kind: 'mqtt-tls', host: 'mqtt.acme', port: 8883, transport: 'tcp', via: 'direct', state: 'blocked', code: 'TCP_TIMEOUT', extra: false },
      { kind: 'mqtt-https', host: '::1', port: 443, transport: 'tcp', via: 'proxy', state: 'reachable', code: 'OK', extra: true },
    ],
  };
  it('gives one row per way in words', () => {
    expect(serviceTitle(service)).toBe('MQTT');
    expect(wayRows(service)).toEqual([
      { state: 'blocked', stateWords: 'blocked', kind: 'mqtt-tls', endpoint: 'mqtt.acme:8883/tcp', via: 'direct', code: 'TCP_TIMEOUT', extra: false },
      { state: 'reachable', stateWords: 'works', kind: 'mqtt-https', endpoint: '[::1]:443/tcp', via: 'through the proxy', code: 'OK', extra: true },
    ]);
  });
});
