// Unsaved model edits survive navigating away and restarting: each open model keeps its
// history here, and its current snapshot is autosaved to local storage until it is saved.
// Local storage is a plain file on disk, so the autosave never holds a secret: a secret
// field's own value (a literal password, a key) is blanked in the saved copy and taken
// back from the stored model when the draft is restored.
import type { Catalog } from './bindings/Catalog';
import type { Model } from './bindings/Model';
import { History } from './modelDraft';
import { scanPlaceholders } from './placeholders';

const PREFIX = 'loopstudio.draft.';

/** Whether the `key` field of a `kind` template is secret; `undefined` while not known. */
export type SecretField = (kind: string, key: string) => boolean | undefined;

/** The catalog's answer to [`SecretField`] (keys compared ignoring case, as the core does). */
export function secretFieldsOf(catalog: Catalog | null): SecretField {
  return (kind, key) => {
    if (!catalog) return undefined;
    const spec = catalog.kinds.find((k) => k.kind === kind);
    const field = spec?.fields.find((f) => f.key.toLowerCase() === key.toLowerCase());
    return field?.secret ?? false;
  };
}

/** Whether a value is one of its own rather than only placeholders (core: holds_literal). */
export function holdsLiteral(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value !== 'string') return true;
  const covered = scanPlaceholders(value).reduce((n, t) => n + (t.end - t.start), 0);
  return covered < value.length;
}

/** A URL with a password in it (`https://user:password@host/…`): a secret wherever it is. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@]*:[^/?#@]*@/i;

/** What local storage holds for one draft: the model with its secrets blanked, and where. */
interface SavedDraft {
  model: Model;
  /** `[template index, key]` of each blanked secret. */
  blanked: Array<[number, string]>;
}

/** The draft as saved: `null` when a field's secrecy is not known yet (nothing is saved). */
export function redact(model: Model, isSecret: SecretField): SavedDraft | null {
  const blanked: Array<[number, string]> = [];
  const templates = [];
  for (const [i, t] of model.templates.entries()) {
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(t.body)) {
      const secret = isSecret(t.kind, key);
      if (secret === undefined) return null;
      const urlPassword = typeof value === 'string' && URL_WITH_PASSWORD.test(value);
      if ((secret && holdsLiteral(value)) || urlPassword) {
        blanked.push([i, key]);
        body[key] = '';
      } else {
        body[key] = value;
      }
    }
    templates.push({ ...t, body });
  }
  return { model: { ...model, templates }, blanked };
}

/** A saved draft with its blanked secrets taken from the stored model, where it has them. */
function restore(saved: SavedDraft, stored: Model): Model {
  const templates = saved.model.templates.map((t, i) => {
    const body = { ...t.body };
    for (const [index, key] of saved.blanked) {
      const from = stored.templates[index];
      if (index === i && from?.kind === t.kind && key in from.body) body[key] = from.body[key];
    }
    return { ...t, body };
  });
  return { ...saved.model, templates };
}

export function draftKey(project: string, model: string): string {
  return `${project}\u0000${model}`;
}

export class Drafts {
  private histories = new Map<string, History<Model>>();

  constructor(
    private storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
    private isSecret: SecretField,
  ) {}

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
        const parsed = JSON.parse(saved) as SavedDraft | Model;
        // Drafts saved before secrets were blanked are a bare model: restored, then saved
        // again below without their secrets.
        const draft = 'blanked' in parsed ? restore(parsed, stored) : parsed;
        history.push(draft);
        restored = history.dirty;
      } catch {
        this.storage.removeItem(PREFIX + key);
      }
    }
    this.histories.set(key, history);
    if (saved) this.autosave(key);
    return { history, restored };
  }

  /** Call after every edit: keeps the autosaved copy in step with the history. */
  autosave(key: string): void {
    const history = this.histories.get(key);
    if (!history) return;
    try {
      const saved = history.dirty ? redact(history.current, this.isSecret) : null;
      if (saved) this.storage.setItem(PREFIX + key, JSON.stringify(saved));
      else if (!history.dirty) this.storage.removeItem(PREFIX + key);
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
