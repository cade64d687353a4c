// Unsaved model edits survive navigating away and restarting: each open model keeps its
// history here, and its current snapshot is autosaved to local storage until it is saved.
import type { Model } from './bindings/Model';
import { History } from './modelDraft';

const PREFIX = 'loopstudio.draft.';

export function draftKey(project: string, model: string): string {
  return `${project}\u0000${model}`;
}

export class Drafts {
  private histories = new Map<string, History<Model>>();

  constructor(private storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>) {}

  get(key: string): History<Model> | undefined {
    return this.histories.get(key);
  }

  /** A history for a freshly loaded model, with an autosaved draft re-applied if one exists. */
  open(key: string, stored: Model): { history: History<Model>; restored: boolean } {
    const history = new History(stored);
    let restored = false;
    const saved = this.storage.getItem(PREFIX + key);
    if (saved) {
      try {
        const draft = JSON.parse(saved) as Model;
        history.push(draft);
        restored = history.dirty;
      } catch {
        this.storage.removeItem(PREFIX + key);
      }
    }
    this.histories.set(key, history);
    return { history, restored };
  }

  /** Call after every edit: keeps the autosaved copy in step with the history. */
  autosave(key: string): void {
    const history = this.histories.get(key);
    if (!history) return;
    try {
      if (history.dirty) this.storage.setItem(PREFIX + key, JSON.stringify(history.current));
      else this.storage.removeItem(PREFIX + key);
    } catch {
      // A full or unavailable storage only loses the autosave, never the edit itself.
    }
  }

  /** Forget a model's draft (saved, renamed or deleted). */
  drop(key: string): void {
    this.histories.delete(key);
    this.storage.removeItem(PREFIX + key);
  }

  /** Names of the models of `project` with unsaved changes. */
  dirtyModels(project: string): Set<string> {
    const out = new Set<string>();
    for (const [key, history] of this.histories) {
      const [p, m] = key.split('\u0000');
      if (p === project && m !== undefined && history.dirty) out.add(m);
    }
    return out;
  }
}
