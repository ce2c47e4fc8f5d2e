/**
 * The status bar item that shows the language server's state, a discriminated union with a terminal failure
 * (so nothing spins forever): starting | preparing | ready | failed{message}. "preparing" is the first check after
 * the server started, which compiles python.wasm (tens of seconds on a cold cache), so the first generation does not
 * look hung. Clicking it shows the log, or restarts a
 * failed server.
 */
import * as vscode from "vscode";

export type ServerState =
  | { readonly kind: "starting" }
  | { readonly kind: "preparing"; readonly version: string | null }
  | { readonly kind: "ready"; readonly version: string | null }
  | { readonly kind: "failed"; readonly message: string }
  | { readonly kind: "stopped" };

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("agentcode.status", vscode.StatusBarAlignment.Left, 10);
  private current: ServerState = { kind: "stopped" };

  constructor() {
    this.item.name = "AgentCode";
    this.set({ kind: "starting" });
    this.item.show();
  }

  get state(): ServerState {
    return this.current;
  }

  set(state: ServerState): void {
    this.current = state;
    switch (state.kind) {
      case "starting":
        this.item.text = "$(sync~spin) AgentCode";
        this.item.tooltip = "AgentCode: starting the language server";
        this.item.command = "agentcode.showLog";
        this.item.backgroundColor = undefined;
        break;
      case "preparing":
        this.item.text = "$(sync~spin) Preparing the Python sandbox (one time)…";
        this.item.tooltip = "AgentCode: the server compiles its Python sandbox once (cached for later sessions). Click for the log.";
        this.item.command = "agentcode.showLog";
        this.item.backgroundColor = undefined;
        break;
      case "ready":
        this.item.text = "$(check) AgentCode";
        this.item.tooltip = `AgentCode server ${state.version ?? ""} is running. Click for the log.`;
        this.item.command = "agentcode.showLog";
        this.item.backgroundColor = undefined;
        break;
      case "failed":
        this.item.text = "$(error) AgentCode";
        this.item.tooltip = `AgentCode: ${state.message} Click to restart the server.`;
        this.item.command = "agentcode.restartServer";
        this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
        break;
      case "stopped":
        this.item.text = "$(circle-slash) AgentCode";
        this.item.tooltip = "AgentCode: the server is stopped. Click to restart it.";
        this.item.command = "agentcode.restartServer";
        this.item.backgroundColor = undefined;
        break;
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
