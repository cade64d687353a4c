// The CodeMirror side of the JSON view, loaded only when a JSON editor first shows
// (JsonEditor.svelte imports it dynamically): CodeMirror is most of the UI's code, and the
// first screen never needs it.
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { syntaxHighlighting, bracketMatching } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { diagnosticsFor, editorTheme, jsonHighlight, placeholderPills, type ScopeOf } from './codemirror';
import type { Finding } from './bindings/Finding';

export interface JsonViewOptions {
  value: string;
  label: string;
  readonly: boolean;
  /** Called with the whole text after every change the person makes. */
  onDoc: (text: string) => void;
  /** Who supplies each placeholder, for its pill's colour. */
  scopeOf?: ScopeOf;
}

/** A JSON editor in `parent`: highlighting, placeholder pills, lint gutter, undo history. */
export function createJsonView(parent: HTMLElement, options: JsonViewOptions): EditorView {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc: options.value,
      extensions: [
        lineNumbers(),
        highlightActiveLine(),
        history(),
        bracketMatching(),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        json(),
        syntaxHighlighting(jsonHighlight),
        placeholderPills(options.scopeOf),
        lintGutter(),
        editorTheme,
        EditorView.lineWrapping,
        EditorState.readOnly.of(options.readonly),
        EditorView.contentAttributes.of({ 'aria-label': options.label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onDoc(update.state.doc.toString());
        }),
      ],
    }),
  });
}

/** Puts `text` in place of the whole document (a change from outside: undo, a form edit, a fix). */
export function replaceText(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

/** Shows the parse error, else the lint's findings (their fixes as actions). */
export function showProblems(
  view: EditorView,
  text: string,
  parseError: string | null,
  findings: readonly Finding[],
  onFix: (finding: Finding) => void,
): void {
  const diagnostics: Diagnostic[] = parseError
    ? [{ from: Math.max(0, text.length - 1), to: text.length, severity: 'error', message: `Invalid JSON: ${parseError}` }]
    : diagnosticsFor(text, findings, onFix);
  view.dispatch(setDiagnostics(view.state, diagnostics));
}
