/**
 * Accepting a cell's code: an undoable WorkspaceEdit that replaces the target editor's selection (inserting at
 * the cursor when it is empty), or a new `generated/<slug>.py` in the first workspace folder; the document is
 * then saved and shown. Without a workspace folder the code opens in an untitled editor, so nothing is lost.
 */
import * as vscode from "vscode";
import type { Ctx } from "./ctx";
import { slugOfPrompt, uniqueName } from "./naming";
import type { Target } from "./session";
import { errorMessage } from "./errors";

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Text to insert: code inserted at a cursor ends with a newline, so it does not run into the following text. */
function insertionText(range: vscode.Range, code: string): string {
  return range.isEmpty && !code.endsWith("\n") ? `${code}\n` : code;
}

async function intoEditor(uriText: string, target: Extract<Target, { kind: "editor" }>, code: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.parse(uriText);
  const doc = await vscode.workspace.openTextDocument(uri);
  const start = doc.validatePosition(new vscode.Position(target.range.start.line, target.range.start.character));
  const end = doc.validatePosition(new vscode.Position(target.range.end.line, target.range.end.character));
  const range = new vscode.Range(start, end);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, range, insertionText(range, code));
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused the edit of ${uri.fsPath}.`);
  if (!doc.isUntitled && !(await doc.save())) throw new Error(`${uri.fsPath} could not be saved.`);
  await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: true });
  return uri;
}

async function intoNewFile(ctx: Ctx, prompt: string, code: string): Promise<vscode.Uri> {
  const folder = ctx.workspaceFolder();
  if (folder === undefined) {
    const doc = await vscode.workspace.openTextDocument({ language: "python", content: code });
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc.uri;
  }
  const dir = vscode.Uri.joinPath(folder.uri, "generated");
  const taken = new Set<string>();
  try {
    for (const [name] of await vscode.workspace.fs.readDirectory(dir)) taken.add(name.toLowerCase());
  } catch {
    // The folder does not exist yet; the edit creates it.
  }
  const name = uniqueName(slugOfPrompt(prompt), ".py", (n) => taken.has(n.toLowerCase()));
  const uri = vscode.Uri.joinPath(dir, name);
  if (await exists(uri)) throw new Error(`${uri.fsPath} already exists.`);
  const edit = new vscode.WorkspaceEdit();
  // Created with its contents in one step, so the file is never seen empty on disk; still one undoable edit.
  edit.createFile(uri, { ignoreIfExists: false, contents: Buffer.from(code.endsWith("\n") ? code : `${code}\n`, "utf8") });
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused to create ${uri.fsPath}.`);
  const doc = await vscode.workspace.openTextDocument(uri);
  await doc.save();
  await vscode.window.showTextDocument(doc, { preview: false });
  return uri;
}

/** Puts accepted code where it belongs; returns the document's URI. Throws with a user-facing message. */
export async function acceptCode(ctx: Ctx, target: Target, prompt: string, code: string): Promise<vscode.Uri> {
  if (target.kind === "editor") {
    try {
      return await intoEditor(target.uri, target, code);
    } catch (e) {
      ctx.output.warn(`Accept into ${target.uri} failed (${errorMessage(e)}); writing a new file instead.`);
    }
  }
  return intoNewFile(ctx, prompt, code);
}
