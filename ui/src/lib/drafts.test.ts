import { expect, it } from 'vitest';
import type { Model } from './bindings/Model';
import { Drafts, draftKey } from './drafts';

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

it('autosaves a dirty draft and restores it after a restart', () => {
  const storage = memoryStorage();
  const key = draftKey('p', 'm');
  const first = new Drafts(storage);
  const { history } = first.open(key, model);
  history.push({ ...model, description: 'edited' });
  first.autosave(key);
  expect(first.dirtyModels('p')).toEqual(new Set(['m']));

  const second = new Drafts(storage);
  const reopened = second.open(key, model);
  expect(reopened.restored).toBe(true);
  expect(reopened.history.current.description).toBe('edited');
  reopened.history.undo();
  expect(reopened.history.current.description).toBe('');
});

it('clears the autosave once saved or dropped', () => {
  const storage = memoryStorage();
  const key = draftKey('p', 'm');
  const drafts = new Drafts(storage);
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
  const { restored } = new Drafts(storage).open(draftKey('p', 'm'), model);
  expect(restored).toBe(false);
  expect(storage.map.size).toBe(0);
});
