/**
 * The cell's code editor: CodeMirror 6 with Python highlighting, a chunk of its own that the page imports at start
 * (cells show their code as plain text until it has loaded). CodeMirror puts its base styles into a `<style>`
 * element, which the panel's CSP allows only with the page's nonce (EditorView.cspNonce); the colours come from
 * panel.css, which maps the highlighter's `tok-*` classes and the editor's parts to VS Code's theme variables.
 * Ctrl+Enter (Cmd+Enter on macOS) runs the cell instead of inserting a line.
 */

import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { pythonLanguage } from "@codemirror/lang-python";
import { LanguageSupport, bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { EditorState, Prec } from "@codemirror/state";
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { classHighlighter } from "@lezer/highlight";

export interface EditorOptions {
  readonly code: string;
  /** The page's CSP nonce, for CodeMirror's style element. */
  readonly nonce: string;
  /** What screen readers call the editor. */
  readonly label: string;
  /** The text changed (every edit, typed or pasted). */
  onChange(code: string): void;
  /** Ctrl/Cmd+Enter: run the cell. */
  onRun(): void;
}

/** A cell's editor: its element (moved, not rebuilt, when the cell re-renders), focus, and its text. */
export interface CodeEditor {
  readonly dom: HTMLElement;
  focus(): void;
  hasFocus(): boolean;
  code(): string;
}

export function createEditor(options: EditorOptions): CodeEditor {
  const view = new EditorView({
    state: EditorState.create({
      doc: options.code,
      extensions: [
        EditorView.cspNonce.of(options.nonce),
        Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => (options.onRun(), true) }])),
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        indentOnInput(),
        bracketMatching(),
        indentUnit.of("    "),
        new LanguageSupport(pythonLanguage), // the language alone: python() would also bring in the completion code
        syntaxHighlighting(classHighlighter),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        // code-text: the code as text, in the editor or (before it loads) in a plain pre, for tests and tools.
        EditorView.contentAttributes.of({ "aria-label": options.label, class: "code-text" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    dom: view.dom,
    focus: () => view.focus(),
    hasFocus: () => view.hasFocus,
    code: () => view.state.doc.toString(),
  };
}
