/**
 * Offers `agentcode mcp` to VS Code (package.json `mcpServerDefinitionProviders`), so agent mode finds the
 * run_python, check_python and describe_sandbox tools without any setup by hand. The server is the bundled one (or
 * agentcode.server.path, from user or remote-machine settings only); in a trusted workspace its local folders are
 * the data allow-list, in Restricted Mode no data is allowed; the run record is the workspace's
 * `.agentcode/runs.jsonl`. The definition changes with the folders, the trust and the server settings.
 */
import * as vscode from "vscode";
import { serverExecutables } from "../settings/config";
import type { Ctx } from "../ctx";
import { machineReader } from "../server/server";
import { mcpArgs, resolveServerCommand } from "../server/server_command";

export const mcpProviderId = "agentcode.mcp";
export const mcpServerLabel = "AgentCode Python sandbox";

export function registerMcpProvider(ctx: Ctx): void {
  const changed = new vscode.EventEmitter<void>();
  ctx.push(changed);
  ctx.push(
    vscode.lm.registerMcpServerDefinitionProvider(mcpProviderId, {
      onDidChangeMcpServerDefinitions: changed.event,
      provideMcpServerDefinitions: () => {
        const exe = serverExecutables(machineReader(vscode.workspace.getConfiguration("agentcode")));
        const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file").map((f) => f.uri.fsPath);
        const resolved = resolveServerCommand(ctx.extension.extensionPath, exe.serverPath, exe.dotnetPath, mcpArgs(folders, vscode.workspace.isTrusted));
        if (!resolved.ok) {
          ctx.output.warn(`The MCP server is not offered: ${resolved.message}`);
          return [];
        }
        const { command, args } = resolved.value;
        const version = String((ctx.extension.extension.packageJSON as { version?: unknown }).version ?? "0.0.0");
        const definition = new vscode.McpStdioServerDefinition(mcpServerLabel, command, [...args], {}, version);
        if (folders[0] !== undefined) definition.cwd = vscode.Uri.file(folders[0]);
        return [definition];
      },
    }),
  );
  ctx.push(vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire()));
  ctx.push(vscode.workspace.onDidGrantWorkspaceTrust(() => changed.fire()));
  ctx.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("agentcode.server")) changed.fire();
    }),
  );
}
