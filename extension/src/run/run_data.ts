/**
 * Data files for Run File / Selection / Cell, mounted read-only at /data/NAME in the server's sandbox: the files the
 * user picked with "Run File with Data…" (remembered per workspace in workspaceState) plus those the
 * `agentcode.run.dataFiles` setting names (paths relative to the first workspace folder, or absolute). Python files
 * get a "Run with data…" code lens on their first line (unless `agentcode.run.dataCodeLens` is off), and, once data
 * is attached, a second lens naming the files that Run File mounts. Also reads the files' bytes for the panel, which
 * gets them for a generated cell and for a run opened in the panel.
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import * as vscode from "vscode";
import { maxDataFileBytes, maxDataFiles, type DataFile } from "../../../webview-pyodide/src/protocol";
import type { Ctx } from "../ctx";
import { errorMessage } from "../errors";

const stateKey = "agentcode.runDataFiles";

/** Fires when the picked files change, so the code lenses name the new ones. */
const picksChanged = new vscode.EventEmitter<void>();

/** The data files a run mounts: picked ones first, then the setting's, each once. */
export function runDataPaths(ctx: Ctx): string[] {
  const picked = ctx.extension.workspaceState.get<unknown>(stateKey);
  const fromState = Array.isArray(picked) ? picked.filter((p): p is string => typeof p === "string") : [];
  const configured = vscode.workspace.getConfiguration("agentcode").get<unknown>("run.dataFiles");
  const folder = ctx.workspaceFolder()?.uri.fsPath;
  const fromSetting = (Array.isArray(configured) ? configured : [])
    .filter((p): p is string => typeof p === "string" && p.trim() !== "")
    .map((p) => (path.isAbsolute(p) || folder === undefined ? p : path.join(folder, p)));
  return [...new Set([...fromState, ...fromSetting])];
}

/** Asks for data files and remembers them for this workspace; undefined when the user cancelled. */
export async function pickRunData(ctx: Ctx): Promise<string[] | undefined> {
  const remembered = runDataPaths(ctx)[0];
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    canSelectFiles: true,
    canSelectFolders: false,
    openLabel: "Use as Data",
    title: "AgentCode: data files for runs in this workspace (mounted read-only at /data)",
    // The dialog opens where the data was found last time, else in the workspace.
    defaultUri: remembered !== undefined ? vscode.Uri.file(path.dirname(remembered)) : ctx.workspaceFolder()?.uri,
  });
  if (picked === undefined) return undefined;
  const paths = picked.filter((u) => u.scheme === "file").map((u) => u.fsPath);
  await ctx.extension.workspaceState.update(stateKey, paths);
  picksChanged.fire();
  return paths;
}

/** The data files' bytes for the panel, within the panel protocol's limits; the server's trial run sees them all. */
export async function readDataFiles(ctx: Ctx, paths: readonly string[]): Promise<DataFile[]> {
  const files: DataFile[] = [];
  const skipped: string[] = [];
  for (const p of paths) {
    const name = path.basename(p);
    try {
      const stat = await fs.stat(p);
      if (files.length >= maxDataFiles || stat.size > maxDataFileBytes) {
        skipped.push(name);
        continue;
      }
      files.push({ name, base64: (await fs.readFile(p)).toString("base64") });
    } catch (e) {
      skipped.push(name);
      ctx.output.warn(`Data file ${p} could not be read: ${errorMessage(e)}`);
    }
  }
  if (skipped.length > 0) {
    void vscode.window.showWarningMessage(
      `AgentCode: the panel runs without ${skipped.join(", ")} (at most ${maxDataFiles} readable files of up to ${maxDataFileBytes / 1048576} MB each).`,
    );
  }
  return files;
}

/** The "Run with data…" lens, and "Run File with NAME, …" once data is attached; both run the lens's file. */
class RunDataLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly ctx: Ctx) {
    this.subscriptions = [
      this.changed,
      picksChanged.event(() => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration("agentcode.run")) this.changed.fire();
      }),
    ];
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration("agentcode", document.uri).get<boolean>("run.dataCodeLens", true)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses = [
      new vscode.CodeLens(top, {
        title: "Run with data…",
        tooltip: "Choose data files for this workspace's runs (mounted read-only at /data), then run this file in the sandbox",
        command: "agentcode.runFileWithData",
        arguments: [document.uri],
      }),
    ];
    const data = runDataPaths(this.ctx);
    if (data.length > 0) {
      const names = data.map((p) => path.basename(p));
      const shown = names.length > 3 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", ");
      lenses.push(
        new vscode.CodeLens(top, {
          title: `Run File with ${shown}`,
          tooltip: data.map((p) => `${p} at /data/${path.basename(p)}`).join("\n"),
          command: "agentcode.runFile",
          arguments: [document.uri],
        }),
      );
    }
    return lenses;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

/** Registers the data code lenses for Python files. */
export function registerRunDataLenses(ctx: Ctx): vscode.Disposable {
  const lenses = new RunDataLenses(ctx);
  return vscode.Disposable.from(lenses, vscode.languages.registerCodeLensProvider({ language: "python" }, lenses));
}
