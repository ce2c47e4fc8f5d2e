/**
 * Data files for Run File / Selection / Cell, mounted read-only at /data/NAME in the server's sandbox: the files the
 * user picked with "Run File with Data…" (remembered per workspace in workspaceState) plus those the
 * `agentcode.run.dataFiles` setting names (paths relative to the first workspace folder, or absolute).
 */
import * as path from "node:path";
import * as vscode from "vscode";
import type { Ctx } from "../ctx";

const stateKey = "agentcode.runDataFiles";

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
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    canSelectFiles: true,
    canSelectFolders: false,
    openLabel: "Use as Data",
    title: "AgentCode: data files for runs in this workspace (mounted read-only at /data)",
  });
  if (picked === undefined) return undefined;
  const paths = picked.filter((u) => u.scheme === "file").map((u) => u.fsPath);
  await ctx.extension.workspaceState.update(stateKey, paths);
  return paths;
}
