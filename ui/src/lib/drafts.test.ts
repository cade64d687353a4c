import { expect, it } from 'vitest';
import type { Model } from './bindings/Model';
import { Drafts, draftKey, holdsLiteral, redact, type SecretField } from './drafts';

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  };
}

const model: Model = { name: 'm', description: '', templates: [], dataBlocks: [] };

/** mqttPassword is the only secret field here. */
const secrets: SecretField = (_kind, key) => key.toLowerCase() === 'mqttpassword';

it('autosaves a dirty draft and restores it after a restart', () => {
  const storage = memoryStorage();
  const key = draftKey('p', 'm');
  const first = new Drafts(storage, secrets);
  const { history } = first.open(key, model);
  history.push({ ...model, description: 'edited' });
  first.autosave(key);
  expect(first.dirtyModels('p')).toEqual(new Set(['m']));

  const second = new Drafts(storage, secrets);
  const reopened = second.open(key, model);
  expect(reopened.restored).toBe(true);
  expect(reopened.history.current.description).toBe('edited');
  reopened.history.undo();
  expect(reopened.history.current.description).toBe('');
});

it('clears the autosave once saved or dropped', () => {
  const storage = memoryStorage();
  const key = draftKey('p', 'm');
  const drafts = new Drafts(storage, secrets);
  const { history } = drafts.open(key, model);
  history.push({ ...model, description: 'x' });
  drafts.autosave(key);
  history.markSaved();
  drafts.autosave(key);
  expect(storage.map.size).toBe(0);
  history.push({ ...model, description: 'y' });
  drafts.autosave(key);
  drafts.drop(key);
  expect(storage.map.size).toBe(0);
  expect(drafts.get(key)).toBeUndefined();
});

it('ignores a damaged autosave', () => {
  const storage = memoryStorage();
  storage.setItem('loopstudio.draft.' + draftKey('p', 'm'), '{not json');
  const { restored } = new Drafts(storage, secrets).open(draftKey('p', 'm'), model);
  expect(restored).toBe(false);
  expect(storage.map.size).toBe(0);
});

const withPassword = (password: unknown): Model => ({
  ...model,
  templates: [{ kind: 'mqtt-tcp', body: { mqttHostName: 'h', mqttPassword: password } }],
});

it('never writes a secret field of its own to local storage, and restores it from the store', () => {
  const storage = memoryStorage();
  const key = draftKey('p', 'm');
  const stored = withPassword('stored-hunter2');
  const first = new Drafts(storage, secrets);
  const { history } = first.open(key, stored);
  const edited = withPassword('typed-hunter2');
  edited.description = 'edited';
  history.push(edited);
  first.autosave(key);
  const written = [...storage.map.values()].join('');
  expect(written).not.toContain('hunter2');
  expect(written).toContain('"description":"edited"');

  const reopened = new Drafts(storage, secrets).open(key, stored);
  expect(reopened.restored).toBe(true);
  expect(reopened.history.current.description).toBe('edited');
  // The store holds the real secret; the unsaved edit of the secret itself is not kept.
  expect(reopened.history.current.templates[0]?.body.mqttPassword).toBe('stored-hunter2');
});

it('blanks numbers and mixed text in secret fields but keeps pure placeholders', () => {
  const saved = redact(
    {
      ...model,
      templates: [
        { kind: 'mqtt-tcp', body: { mqttPassword: 12345678 } },
        { kind: 'mqtt-tls', body: { mqttPassword: 'pw-%DEVICE%' } },
        { kind: 'mqtt-tcp', body: { mqttPassword: '%MQTT_PASSWORD%', mqttHostName: 'keep' } },
        { kind: 'mqtt-http', body: { httpUrl: 'http://meter:hunter2@bridge/p', other: 'http://bridge/p' } },
      ],
    },
    secrets,
  );
  expect(saved?.blanked).toEqual([
    [0, 'mqttPassword'],
    [1, 'mqttPassword'],
    [3, 'httpUrl'],
  ]);
  expect(saved?.model.templates[3]?.body.other).toBe('http://bridge/p');
  expect(saved?.model.templates[2]?.body).toEqual({ mqttPassword: '%MQTT_PASSWORD%', mqttHostName: 'keep' });
  expect(holdsLiteral('%A%%B%')).toBe(false);
  expect(holdsLiteral(true)).toBe(true);
});

it('saves nothing while it cannot tell which fields are secret', () => {
  const storage = memoryStorage();
  const key = draftKey('p', 'm');
  const drafts = new Drafts(storage, () => undefined);
  const { history } = drafts.open(key, model);
  history.push(withPassword('hunter2'));
  drafts.autosave(key);
  expect(storage.map.size).toBe(0);
});

it('rewrites an old draft that held a secret without it', () => {
  const storage = memoryStorage();
  const key = draftKey('p', 'm');
  storage.setItem('loopstudio.draft.' + key, JSON.stringify({ ...withPassword('old-hunter2'), description: 'd' }));
  const { history } = new Drafts(storage, secrets).open(key, withPassword('stored'));
  expect(history.current.description).toBe('d');
  expect([...storage.map.values()].join('')).not.toContain('hunter2');
});
