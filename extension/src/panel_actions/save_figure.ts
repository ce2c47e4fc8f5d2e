/**
 * Saving a figure the user chose in the panel: a save dialog that proposes `figures/<name>` in the first
 * workspace folder, then the bytes written with `workspace.fs` (the folder is created when needed). Cancelling
 * the dialog saves nothing. The checks and names come from the pure figures.ts.
 */
import * as vscode from "vscode";
import type { FigureMime } from "../../../webview-pyodide/src/protocol";
import type { Ctx } from "../ctx";
import { defaultFigureName, figureFilters, figuresFolder } from "../panel/figures";
import { errorMessage } from "../errors";

export interface FigureToSave {
  readonly name: string;
  readonly mime: FigureMime;
  readonly bytes: Uint8Array;
}

async function proposedUri(ctx: Ctx, figure: FigureToSave): Promise<vscode.Uri | undefined> {
  const folder = ctx.workspaceFolder();
  if (folder === undefined) return undefined;
  const dir = vscode.Uri.joinPath(folder.uri, figuresFolder);
  const taken = new Set<string>();
  try {
    for (const [name] of await vscode.workspace.fs.readDirectory(dir)) taken.add(name);
  } catch {
    // The folder does not exist yet; it is created on save.
  }
  return vscode.Uri.joinPath(dir, defaultFigureName(figure.name, figure.mime, taken));
}

/** Asks where to save and writes the figure; returns where it went, or undefined when the user cancelled. */
export async function saveFigure(ctx: Ctx, figure: FigureToSave): Promise<vscode.Uri | undefined> {
  const target = await vscode.window.showSaveDialog({
    defaultUri: await proposedUri(ctx, figure),
    filters: figureFilters(figure.mime),
    saveLabel: "Save Figure",
    title: `Save figure ${figure.name}`,
  });
  if (target === undefined) return undefined;
  try {
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, ".."));
    await vscode.workspace.fs.writeFile(target, figure.bytes);
  } catch (e) {
    ctx.output.error(`Saving ${target.toString()} failed: ${errorMessage(e)}`);
    throw new Error(`The figure could not be saved to ${target.fsPath}. Choose another folder, or see 'AgentCode: Show Log'.`);
  }
  return target;
}
