// CodeMirror 6 pieces for the JSON view: `%PLACEHOLDER%` pills and lint diagnostics placed
// by JSON pointer. The component (JsonEditor.svelte) only mounts and feeds them.
import { Decoration, type DecorationSet, EditorView, MatchDecorator, ViewPlugin, type ViewUpdate } from '@codemirror/view';
import type { Diagnostic } from '@codemirror/lint';
import { HighlightStyle } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import type { Finding } from './bindings/Finding';
import type { Scope } from './bindings/Scope';
import { pointerSpans } from './jsonPointer';

/** Who supplies a placeholder (`null`: not a LoopCloud placeholder), for its pill's colour. */
export type ScopeOf = (name: string) => Scope | null;

/** Draws every `%NAME%` as a pill, coloured by `scopeOf` as the form's inputs colour them;
 * without it every pill takes the project colour. */
export function placeholderPills(scopeOf?: ScopeOf) {
  const matcher = new MatchDecorator({
    regexp: /%[A-Za-z][A-Za-z0-9_]*%/g,
    decoration: (match) => {
      const name = match[0].slice(1, -1);
      const scope = scopeOf ? (scopeOf(name) ?? 'unknown') : 'project';
      return Decoration.mark({ class: `cm-placeholder-pill cm-pill-${scope}`, attributes: { 'data-placeholder': name } });
    },
  });
  return ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      constructor(view: EditorView) {
        this.decorations = matcher.createDeco(view);
      }
      update(update: ViewUpdate) {
        this.decorations = matcher.updateDeco(update, this.decorations);
      }
    },
    { decorations: (plugin) => plugin.decorations },
  );
}

/**
 * Diagnostics for findings whose pointers are relative to the edited text's root. A finding
 * about a key that is missing is shown on the whole object; `fix` becomes an action.
 */
export function diagnosticsFor(
  text: string,
  findings: readonly Finding[],
  onFix: (finding: Finding) => void,
): Diagnostic[] {
  const spans = pointerSpans(text);
  const root = spans.get('');
  const out: Diagnostic[] = [];
  for (const finding of findings) {
    const span = spans.get(finding.pointer);
    const from = span ? (finding.fix?.edit.op === 'renameKey' ? span.keyFrom ?? span.valueFrom : span.valueFrom) : root?.valueFrom ?? 0;
    const to = span ? (finding.fix?.edit.op === 'renameKey' ? span.keyTo ?? span.valueTo : span.valueTo) : Math.min(text.length, (root?.valueFrom ?? 0) + 1);
    const fix = finding.fix;
    out.push({
      from,
      to,
      severity: finding.severity === 'error' ? 'error' : 'warning',
      message: finding.message,
      source: `${finding.code} · ${finding.pointer || '/'}`,
      actions: fix ? [{ name: fix.title, apply: () => onFix(finding) }] : [],
    });
  }
  return out;
}

export const editorTheme = EditorView.theme({
  '&': { fontSize: '12.5px', backgroundColor: 'var(--bg)', color: 'var(--text)' },
  '.cm-content': { fontFamily: 'var(--font-mono)', caretColor: 'var(--text)' },
  '.cm-gutters': { backgroundColor: 'var(--bg-sidebar)', color: 'var(--text-muted)', border: 'none' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--bg-hover)' },
  '&.cm-focused': { outline: '2px solid var(--accent)' },
  '.cm-placeholder-pill, .cm-placeholder-pill span': {
    backgroundColor: 'var(--pill-bg)',
    color: 'var(--pill-text) !important',
    borderRadius: '4px',
  },
  '.cm-pill-device, .cm-pill-device span': {
    backgroundColor: 'var(--pill-device-bg)',
    color: 'var(--pill-device-text) !important',
  },
  '.cm-pill-unknown, .cm-pill-unknown span': {
    backgroundColor: 'var(--fail-bg)',
    color: 'var(--fail) !important',
  },
  '.cm-tooltip': { backgroundColor: 'var(--bg-raised)', border: '1px solid var(--border)', color: 'var(--text)' },
});

/** JSON colours from the theme's variables, so light and dark both read well. */
export const jsonHighlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--json-key)' },
  { tag: tags.string, color: 'var(--json-string)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--json-literal)' },
  { tag: [tags.brace, tags.squareBracket, tags.separator, tags.punctuation], color: 'var(--text-muted)' },
]);
