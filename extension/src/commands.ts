/**
 * Every command of the extension, as factories `(ctx) => handler` in one table, registered at activation.
 * Handlers are thin: the flows live in generate.ts, run.ts, accept.ts, notebook.ts, packages.ts.
 */
import * as vscode from "vscode";
import type { Ctx } from "./ctx";
import { generateCommand, generateWithDataCommand } from "./generation/generate";
import { notebookJson } from "./record/notebook";
import { checkFileCommand, runCellCommand, runFileCommand, runFileWithDataCommand, runSelectionCommand } from "./run/run";
import { errorMessage } from "./errors";

type Handler = (...args: unknown[]) => Promise<void> | void;
type Factory = (ctx: Ctx) => Handler;

const setApiKey: Factory = (ctx) => async () => {
  await ctx.endpoints.setApiKeyCommand();
  await ctx.server.pushSettings();
};

const resetEndpointDecisions: Factory = (ctx) => async () => {
  await ctx.endpoints.resetDecisions();
  await ctx.server.pushSettings();
};

const exportNotebook: Factory = (ctx) => async () => {
  const cells = ctx.session.all();
  if (cells.length === 0) {
    void vscode.window.showInformationMessage("AgentCode: nothing to export yet; generate or run some code first.");
    return;
  }
  const folder = ctx.workspaceFolder();
  const uri = await vscode.window.showSaveDialog({
    title: "AgentCode: Export Session as Notebook",
    filters: { "Jupyter Notebook": ["ipynb"] },
    defaultUri: folder === undefined ? undefined : vscode.Uri.joinPath(folder.uri, "agentcode-session.ipynb"),
  });
  if (uri === undefined) return;
  await vscode.workspace.fs.writeFile(uri, Buffer.from(notebookJson(cells), "utf8"));
  const choice = await vscode.window.showInformationMessage(`AgentCode: exported ${cells.length} cell${cells.length === 1 ? "" : "s"} to ${vscode.workspace.asRelativePath(uri)}.`, "Open");
  if (choice === "Open") await vscode.commands.executeCommand("vscode.open", uri);
};

/** Command id (without the `agentcode.` prefix) -> factory. package.json contributes the same ids. */
export const commandTable: Readonly<Record<string, Factory>> = {
  generate: (ctx) => (args) => generateCommand(ctx, isGenerateArgs(args) ? args : undefined),
  generateWithData: (ctx) => () => generateWithDataCommand(ctx),
  runFile: (ctx) => (arg) => runFileCommand(ctx, arg),
  runFileWithData: (ctx) => (arg) => runFileWithDataCommand(ctx, arg),
  runSelection: (ctx) => () => runSelectionCommand(ctx),
  runCell: (ctx) => (arg) => runCellCommand(ctx, arg),
  checkFile: (ctx) => () => checkFileCommand(ctx),
  openPanel: (ctx) => () => ctx.panel.show(false),
  setApiKey,
  resetEndpointDecisions,
  exportNotebook,
  installPackages: (ctx) => (args) => ctx.packages.installCommand(args),
  listPackages: (ctx) => () => ctx.packages.listCommand(),
  uninstallPackages: (ctx) => (args) => ctx.packages.uninstallCommand(args),
  restartServer: (ctx) => () => ctx.server.restart(),
  showLog: (ctx) => () => ctx.output.show(true),
};

function isGenerateArgs(x: unknown): x is { prompt?: string; dataFiles?: string[] } {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

export function registerCommands(ctx: Ctx): void {
  for (const [name, factory] of Object.entries(commandTable)) {
    const handler = factory(ctx);
    ctx.push(
      vscode.commands.registerCommand(`agentcode.${name}`, async (...args: unknown[]) => {
        try {
          await handler(...args);
        } catch (e) {
          const message = errorMessage(e);
          ctx.output.error(`agentcode.${name} failed: ${e instanceof Error && e.stack !== undefined ? e.stack : message}`);
          void vscode.window.showErrorMessage(`AgentCode: ${message}`, "Show Log").then((c) => c && ctx.output.show(true));
        }
      }),
    );
  }
}
