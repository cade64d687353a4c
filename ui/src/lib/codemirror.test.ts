import { expect, it } from 'vitest';
import type { Finding } from './bindings/Finding';
import { diagnosticsFor, placeholderPills } from './codemirror';
import { EditorView } from '@codemirror/view';

const text = '{\n  "lwm2mPSKIdentity": "%LWM2M_PSK_IDENITY%",\n  "otaCACert": "x"\n}';

const finding = (pointer: string, fix: Finding['fix'] = null): Finding => ({
  code: 'placeholder-alias',
  severity: 'warning',
  pointer,
  message: 'renders, but rename it',
  fix,
});

it('places a value finding on the value and offers its fix', () => {
  let fixed: Finding | null = null;
  const [d] = diagnosticsFor(text, [finding('/lwm2mPSKIdentity', { title: 'Rename', edit: { op: 'replaceValue', value: '%LWM2M_PSK_IDENTITY%' } })], (f) => (fixed = f));
  expect(text.slice(d?.from, d?.to)).toBe('"%LWM2M_PSK_IDENITY%"');
  expect(d?.severity).toBe('warning');
  expect(d?.actions?.[0]?.name).toBe('Rename');
  d?.actions?.[0]?.apply({} as never, 0, 0);
  expect(fixed).not.toBeNull();
});

it('places a key rename on the key', () => {
  const [d] = diagnosticsFor(text, [finding('/otaCACert', { title: 'Rename key', edit: { op: 'renameKey', key: 'otaCaCert' } })], () => {});
  expect(text.slice(d?.from, d?.to)).toBe('"otaCACert"');
});

it('puts a finding about a missing key at the start of the object', () => {
  const [d] = diagnosticsFor(text, [finding('/otaDDIUrl')], () => {});
  expect(d?.from).toBe(0);
  expect(d?.to).toBe(1);
});

it('colours each placeholder pill by who supplies it, as the form does', () => {
  const scopes: Record<string, 'project' | 'device'> = { MQTT_HOST: 'project', MQTT_CLIENT_ID: 'device' };
  const view = new EditorView({
    doc: '{"h": "%MQTT_HOST%", "c": "x/%MQTT_CLIENT_ID%", "t": "%MQTT_HOTS%"}',
    extensions: [placeholderPills((name) => scopes[name] ?? null)],
    parent: document.body,
  });
  const pill = (scope: string) => [...view.dom.querySelectorAll(`.cm-pill-${scope}`)].map((e) => e.getAttribute('data-placeholder'));
  expect(pill('project')).toEqual(['MQTT_HOST']);
  expect(pill('device')).toEqual(['MQTT_CLIENT_ID']);
  expect(pill('unknown')).toEqual(['MQTT_HOTS']);
  view.destroy();
});
