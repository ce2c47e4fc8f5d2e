/**
 * The extension's context, shared by every command: the VS Code ExtensionContext, the "AgentCode" output
 * channel, the status bar item, the endpoint access (where prompts and keys may go), the language server host,
 * the session's cells, the review panel, the panel's installed packages and the prompt history. Also the run record writer, since every command appends to it.
 */
import * as vscode from "vscode";
import type { OutputsSummary } from "../../webview-pyodide/src/protocol";
import { EndpointAccess } from "./settings/endpoint_access";
import { PanelPackages } from "./packages/packages";
import { PanelHost } from "./panel/panel";
import { appendRecord, makeRecord, type RecordDecision, type RecordEvent } from "./record/record";
import { ServerHost } from "./server/server";
import { Session, type SessionCell } from "./session";
import { SnapshotStore } from "./panel/snapshot_store";
import { StatusItem } from "./server/status";
import { errorMessage } from "./errors";

export class Ctx implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  readonly status: StatusItem;
  readonly endpoints: EndpointAccess;
  readonly server: ServerHost;
  readonly session = new Session();
  readonly panel: PanelHost;
  /** The Python packages installed for the panel. */
  readonly packages: PanelPackages;
  /** Prompts of this session, newest last; a failed or cancelled one is offered again in the input box. */
  readonly prompts: string[] = [];
  /** The prompt to prefill the next Generate with (the last one that did not succeed), if any. */
  pendingPrompt: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel("AgentCode", { log: true });
    this.status = new StatusItem();
    this.endpoints = new EndpointAccess(extension, this.output);
    this.server = new ServerHost(extension, this.output, this.status, this.endpoints);
    this.packages = new PanelPackages(extension, this.output);
    // The panel's Python snapshot lives in global storage, shared by every window (a local folder only).
    const storage = extension.globalStorageUri;
    this.panel = new PanelHost(this, storage.scheme === "file" ? new SnapshotStore(vscode.Uri.joinPath(storage, "snapshots").fsPath) : undefined);
    this.disposables.push(this.output, this.status, this.server, this.packages, this.panel);
  }

  /** The `agentcode.*` settings of this window. */
  config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration("agentcode");
  }

  push(d: vscode.Disposable): void {
    this.disposables.push(d);
  }

  /** The folder the run record and new files go to: the first workspace folder. */
  workspaceFolder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
  }

  /**
   * Appends a line to .agentcode/runs.jsonl; without a workspace folder or on a write error it only logs.
   * `endpoint` is the origin a generation went to (never a key).
   */
  async record(
    event: RecordEvent,
    cell: Pick<SessionCell, "id" | "prompt" | "model" | "code" | "findings">,
    outputs: OutputsSummary | null,
    decision: RecordDecision | null,
    error: string | null = null,
    endpoint: string | null = null,
  ): Promise<void> {
    const folder = this.workspaceFolder();
    if (folder === undefined || folder.uri.scheme !== "file") {
      this.output.info(`Run record not written (no local workspace folder): ${event} ${cell.id}`);
      return;
    }
    const rec = makeRecord({
      event,
      cell: cell.id,
      prompt: cell.prompt,
      model: cell.model,
      code: cell.code,
      findings: cell.findings,
      outputs,
      decision,
      error,
      endpoint,
    });
    try {
      await appendRecord(folder.uri.fsPath, rec);
    } catch (e) {
      this.output.warn(`Could not append to the run record: ${errorMessage(e)}`);
    }
  }

  rememberPrompt(prompt: string): void {
    this.prompts.push(prompt);
    if (this.prompts.length > 50) this.prompts.shift();
  }

  dispose(): void {
    for (const d of this.disposables.reverse()) d.dispose();
  }
}
