/**
 * Entry point: activation creates the context, registers the commands, the panel serializer, the agent tool, the
 * MCP server definition, the data code lenses and the settings watcher, then starts the language server. Nothing else happens here.
 */
import * as vscode from "vscode";
import { acceptCode } from "./panel_actions/accept";
import { registerAgentTool } from "./agent/agent_tool";
import { registerCommands } from "./commands";
import { restartSettings } from "./settings/config";
import { Ctx } from "./ctx";
import { fixCell, repairPanelFailure } from "./generation/generate";
import { type CheckResultInfo, methods } from "./lsp_ext";
import { registerMcpProvider } from "./agent/mcp_provider";
import { registerRunDataLenses } from "./run/run_data";
import { saveFigure } from "./panel_actions/save_figure";

let current: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const ctx = new Ctx(context);
  current = ctx;
  context.subscriptions.push(ctx);
  registerCommands(ctx);
  // The panel raises its buttons' commands through these; it imports none of the modules that import the context.
  ctx.panel.connect({
    accept: (target, prompt, code) => acceptCode(ctx, target, prompt, code),
    fix: (cell, feedback) => fixCell(ctx, cell, feedback),
    repairPanelFailure: (cell, summary) => repairPanelFailure(ctx, cell, summary),
    saveFigure: (figure) => saveFigure(ctx, figure),
    check: async (code) => (await ctx.server.client()).sendRequest<CheckResultInfo>(methods.check, { code }),
  });
  ctx.push(ctx.panel.registerSerializer());
  ctx.push(registerAgentTool(ctx));
  registerMcpProvider(ctx);
  ctx.push(registerRunDataLenses(ctx));
  ctx.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration("agentcode")) return;
      if (restartSettings.some((s) => e.affectsConfiguration(s))) void ctx.server.restart();
      else void ctx.server.pushSettings();
    }),
  );
  ctx.push(context.secrets.onDidChange(() => void ctx.server.pushSettings()));
  ctx.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void ctx.server.restart()));
  void ctx.server.start();
}

export async function deactivate(): Promise<void> {
  await current?.server.stop();
  current = undefined;
}
