/**
 * Workspace Trust. In a restricted (untrusted) workspace the panel does not run code on its own, run commands
 * ask first, and workspace settings that choose the server binary or the model endpoint are ignored by VS Code
 * (package.json `restrictedConfigurations`). The sandbox itself is the same in both modes; what trust limits is
 * code running without the user asking.
 */
import * as vscode from "vscode";

export function isTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

export const restrictedExplanation =
  "This workspace is in Restricted Mode, so AgentCode does not run code by itself. Trust the workspace to allow automatic runs.";

/** Asks before a run in an untrusted workspace; true when the run may go ahead. */
export async function confirmRunWhenUntrusted(what: string): Promise<boolean> {
  if (isTrusted()) return true;
  const run = "Run in Sandbox";
  const manage = "Manage Workspace Trust";
  const choice = await vscode.window.showWarningMessage(
    `${restrictedExplanation} Run ${what} in the sandbox anyway?`,
    { modal: true },
    run,
    manage,
  );
  if (choice === manage) await vscode.commands.executeCommand("workbench.trust.manage");
  return choice === run;
}
