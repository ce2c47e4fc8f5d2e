/**
 * Accepting a cell's code: the user chooses where it goes and confirms it in a diff preview (accept_preview.ts);
 * then an undoable WorkspaceEdit replaces the target editor's selection (inserting at the cursor when it is
 * empty), or creates a new `generated/<slug>.py` in the first workspace folder; the document is then saved and
 * shown. Without a workspace folder the code opens in an untitled editor, so nothing is lost.
 */
import * as vscode from "vscode";
import type { Ctx } from "../ctx";
import { slugOfPrompt, uniqueName } from "../naming";
import type { Target } from "../session";
import { PreviewDocuments, choosePlacement, confirmWithPreview, insertionText } from "./accept_preview";
import { errorMessage } from "../errors";

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

let previews: PreviewDocuments | undefined;

/** The preview documents, registered once and disposed with the extension. */
function previewDocuments(ctx: Ctx): PreviewDocuments {
  if (previews === undefined) {
    previews = new PreviewDocuments();
    ctx.push(previews);
  }
  return previews;
}

function nameOf(uri: vscode.Uri): string {
  return uri.path.split("/").pop() ?? uri.toString();
}

/** Shows the edit of the target editor as a diff; applies it after Apply. Undefined: the user did not apply it. */
async function intoEditor(ctx: Ctx, target: Extract<Target, { kind: "editor" }>, code: string): Promise<vscode.Uri | undefined> {
  const uri = vscode.Uri.parse(target.uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  const start = doc.validatePosition(new vscode.Position(target.range.start.line, target.range.start.character));
  const end = doc.validatePosition(new vscode.Position(target.range.end.line, target.range.end.character));
  const range = new vscode.Range(start, end);
  const text = doc.getText();
  const proposed = text.slice(0, doc.offsetAt(start)) + insertionText(range, code) + text.slice(doc.offsetAt(end));
  const verb = range.isEmpty ? `Insert the code at line ${start.line + 1} of` : `Replace lines ${start.line + 1}-${end.line + 1} of`;
  if (!(await confirmWithPreview(previewDocuments(ctx), `${verb} ${nameOf(uri)}`, nameOf(uri), uri, proposed))) return undefined;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, range, insertionText(range, code));
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused the edit of ${uri.fsPath}.`);
  if (!doc.isUntitled && !(await doc.save())) throw new Error(`${uri.fsPath} could not be saved.`);
  await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: true });
  return uri;
}

async function intoNewFile(ctx: Ctx, prompt: string, code: string): Promise<vscode.Uri | undefined> {
  const folder = ctx.workspaceFolder();
  const content = code.endsWith("\n") ? code : `${code}\n`;
  if (folder === undefined) {
    if (!(await confirmWithPreview(previewDocuments(ctx), "Open the code in a new untitled editor", "untitled.py", undefined, content))) return undefined;
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
  if (!(await confirmWithPreview(previewDocuments(ctx), `Create generated/${name}`, name, undefined, content))) return undefined;
  const edit = new vscode.WorkspaceEdit();
  // Created with its contents in one step, so the file is never seen empty on disk; still one undoable edit.
  edit.createFile(uri, { ignoreIfExists: false, contents: Buffer.from(content, "utf8") });
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused to create ${uri.fsPath}.`);
  const doc = await vscode.workspace.openTextDocument(uri);
  await doc.save();
  await vscode.window.showTextDocument(doc, { preview: false });
  return uri;
}

/**
 * Puts accepted code where the user chooses, after a diff preview; returns the document's URI, or undefined when
 * the user dismissed the choice or did not apply the change. Throws with a user-facing message.
 */
export async function acceptCode(ctx: Ctx, target: Target, prompt: string, code: string): Promise<vscode.Uri | undefined> {
  const placement = await choosePlacement(target);
  if (placement === undefined) return undefined;
  if (placement.kind === "editor") {
    try {
      return await intoEditor(ctx, placement.target, code);
    } catch (e) {
      ctx.output.warn(`Accept into ${placement.target.uri} failed (${errorMessage(e)}); writing a new file instead.`);
    }
  }
  return intoNewFile(ctx, prompt, code);
}
