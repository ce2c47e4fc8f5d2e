/**
 * Accept with a preview: the user chooses where the code goes (replace the selection or insert at the cursor of the
 * target editor, or a new file), sees the result in VS Code's diff editor (the target document against the proposed
 * text, served read-only from the `agentcode-preview` scheme) in the editor's own column so the panel stays visible,
 * and the edit is applied only after "Apply". Closing the question or choosing Cancel changes nothing.
 */
import * as vscode from "vscode";
import type { Target } from "../session";

export const previewScheme = "agentcode-preview";

/** Where accepted code goes, as the user chose it. */
export type Placement = { readonly kind: "editor"; readonly target: Extract<Target, { kind: "editor" }> } | { readonly kind: "new-file" };

/** Read-only documents holding proposed text, one per preview URI. */
export class PreviewDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(previewScheme, this);
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? "";
  }

  /**
   * A fresh URI holding `text`, with the extension of the file it previews (so the language fits) but not its name
   * (so Quick Open never offers it for the file's name).
   */
  put(name: string, text: string): vscode.Uri {
    this.counter += 1;
    const dot = name.lastIndexOf(".");
    const uri = vscode.Uri.from({ scheme: previewScheme, path: `/${this.counter}/proposed${dot > 0 ? name.slice(dot) : ""}` });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  drop(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }

  dispose(): void {
    this.registration.dispose();
    this.texts.clear();
  }
}

/** Text inserted at a cursor ends with a newline, so it does not run into the following text. */
export function insertionText(range: vscode.Range, code: string): string {
  return range.isEmpty && !code.endsWith("\n") ? `${code}\n` : code;
}

/** Asks where the code goes; the cell's own target comes first. Undefined when the user dismissed the choice. */
export async function choosePlacement(target: Target): Promise<Placement | undefined> {
  if (target.kind === "new-file") return { kind: "new-file" };
  const name = vscode.Uri.parse(target.uri).path.split("/").pop() ?? target.uri;
  const r = target.range;
  const empty = r.start.line === r.end.line && r.start.character === r.end.character;
  const items: (vscode.QuickPickItem & { placement: Placement })[] = [
    empty
      ? { label: `Insert at the cursor in ${name}`, description: `line ${r.start.line + 1}`, placement: { kind: "editor", target } }
      : { label: `Replace the selection in ${name}`, description: `lines ${r.start.line + 1}-${r.end.line + 1}`, placement: { kind: "editor", target } },
    { label: "New file", description: "generated/<name>.py in the workspace", placement: { kind: "new-file" } },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: "AgentCode: where should the accepted code go?", ignoreFocusOut: true });
  return picked?.placement;
}

/** The column of the visible editor showing `uri`, else the first: never the panel's column. */
function columnOf(uri: vscode.Uri | undefined): vscode.ViewColumn {
  const editor = uri === undefined ? undefined : vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  return editor?.viewColumn ?? vscode.ViewColumn.One;
}

/** The diff editor's title. It names no file, so Quick Open's history never offers a closed preview for a file name. */
export const previewTitle = "AgentCode: proposed change";

/**
 * Shows the diff of `original` (or an empty document for a new file) against `proposed` and asks to apply it;
 * `title` says what the change is ("Insert the code at line 2 of a.py"). Returns true when the user chose Apply. The
 * diff editor is closed again either way.
 */
export async function confirmWithPreview(
  previews: PreviewDocuments,
  title: string,
  name: string,
  original: vscode.Uri | undefined,
  proposed: string,
): Promise<boolean> {
  const left = original ?? previews.put(name, "");
  const right = previews.put(name, proposed);
  try {
    await vscode.commands.executeCommand("vscode.diff", left, right, previewTitle, { viewColumn: columnOf(original), preview: true, preserveFocus: false });
    const choice = await vscode.window.showInformationMessage(
      `AgentCode: ${title}. Apply this change?`,
      { modal: true, detail: "The diff editor shows the change. Nothing is written until you choose Apply." },
      "Apply",
    );
    return choice === "Apply";
  } finally {
    await closeDiff(right);
    previews.drop(right);
    if (original === undefined) previews.drop(left);
  }
}

async function closeDiff(right: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === right.toString());
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
}
