/**
 * Hosts the review panel (viewType `agentcode.sandbox`, title "AgentCode Sandbox"): the webview-pyodide bundle
 * from `media/webview/`, HTML with a nonce CSP, a serializer so the panel comes back after a reload, and a queue so
 * nothing is posted before the page says `webview/ready`. The local resource roots are the bundle, the folder of
 * the panel's installed packages (whose list the page gets first and after every change) and the saved-snapshot
 * folder. Every message from the page goes through `decide` (validated with parsePageMessage) before anything
 * happens. Python's memory snapshot is kept between sessions (snapshot_store.ts): a checked one is offered to the
 * page, which then starts Python from it; a page offers a new one only before any cell ran, and only then is it
 * stored. The host imports no command module: what it needs of the extension is a `PanelEnv` (the context provides
 * it), and the commands behind Accept, Ask to fix and Save figure are given to it with `connect` (by main.ts), so
 * dependencies point down.
 */
import * as vscode from "vscode";
import type { PanelPackages } from "../packages/packages";
import type { HostMessage, OutputsSummary } from "../../../webview-pyodide/src/protocol";
import { checkedMessage, decide, type PanelAction } from "./messages";
import type { CheckResultInfo } from "../lsp_ext";
import { savedMessage } from "./figures";
import { panelHtml } from "./panel_html";
import type { RecordDecision, RecordEvent } from "../record/record";
import { type SnapshotStore, type StoredSnapshot, snapshotKey } from "./snapshot_store";
import { type Session, type SessionCell, type Target, lastGeneratedCode } from "../session";
import { errorMessage } from "../errors";
import { extensionOptions } from "../settings/config";

export const panelViewType = "agentcode.sandbox";
export const panelTitle = "AgentCode Sandbox";

/** What the run record says of a cell: the session's cell, or only its id for one restored from an earlier session. */
function recordedCell(id: string, cell: SessionCell | undefined): Pick<SessionCell, "id" | "prompt" | "model" | "code" | "findings"> {
  return cell ?? { id, prompt: "", model: null, code: "", findings: [] };
}

/** What the panel host needs of the extension; the extension's context provides it. */
export interface PanelEnv {
  readonly extension: vscode.ExtensionContext;
  readonly output: vscode.LogOutputChannel;
  readonly session: Session;
  /** The packages installed for the panel: their folder is a resource root, their list goes to the page. */
  readonly packages: Pick<PanelPackages, "folder" | "forPanel" | "onDidChange">;
  config(): vscode.WorkspaceConfiguration;
  record(
    event: RecordEvent,
    cell: Pick<SessionCell, "id" | "prompt" | "model" | "code" | "findings">,
    outputs: OutputsSummary | null,
    decision: RecordDecision | null,
  ): Promise<void>;
}

/** A figure the page asked to save, its bytes checked. */
export type FigureToSave = Extract<PanelAction, { kind: "save-figure" }>;

/** The commands behind the panel's buttons. */
export interface PanelCommands {
  /** Puts the code where the user chooses after a preview; undefined when nothing was written. */
  accept(target: Target, prompt: string, code: string): Promise<vscode.Uri | undefined>;
  /** Generates again with the user's feedback. */
  fix(cell: SessionCell, feedback: string): Promise<void>;
  /** Sends a panel failure of code whose server trial run was skipped back to the model as the next attempt. */
  repairPanelFailure(cell: SessionCell, summary: OutputsSummary): Promise<void>;
  /** Saves a figure where the user chooses; undefined when cancelled. */
  saveFigure(figure: FigureToSave): Promise<vscode.Uri | undefined>;
  /** Checks code with the language server (`agentcode/check`). */
  check(code: string): Promise<CheckResultInfo>;
}

export class PanelHost implements vscode.Disposable {
  private commands: PanelCommands | undefined;
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private queue: HostMessage[] = [];
  /** Callers waiting for a cell's next result (the language-model tool), by cell id. */
  private readonly waiting = new Map<string, { resolve: (s: OutputsSummary) => void; reject: (e: Error) => void }>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Set once a cell of the current page reported a result: the page may no longer offer a snapshot. */
  private cellsRan = false;
  private key: Promise<string> | undefined;

  constructor(
    private readonly ctx: PanelEnv,
    private readonly snapshots: SnapshotStore | undefined,
  ) {
    this.disposables.push(ctx.packages.onDidChange(() => this.postPackages()));
  }

  /** Gives the panel the commands behind its buttons (at activation, before any page message can arrive). */
  connect(commands: PanelCommands): void {
    this.commands = commands;
  }

  private get connected(): PanelCommands {
    if (this.commands === undefined) throw new Error("The panel is not ready yet: try again in a moment.");
    return this.commands;
  }

  private get root(): vscode.Uri {
    return vscode.Uri.joinPath(this.ctx.extension.extensionUri, "media", "webview");
  }

  private options(): vscode.WebviewOptions {
    const roots = [this.root, this.ctx.packages.folder];
    if (this.snapshots !== undefined) roots.push(vscode.Uri.file(this.snapshots.dir));
    return { enableScripts: true, localResourceRoots: roots };
  }

  /** Tells the page which packages are installed and where it reads their files. */
  private postPackages(): void {
    const panel = this.panel;
    if (panel === undefined) return;
    this.post({ type: "packages/installed", base: panel.webview.asWebviewUri(this.ctx.packages.folder).toString(), packages: this.ctx.packages.forPanel() });
  }

  /** The key of snapshots made with this extension's Pyodide files and panel bundle (hashed once per session). */
  private snapshotKey(): Promise<string> {
    this.key ??= (async () => {
      const files = ["worker.js", "pyodide/pyodide.asm.wasm", "pyodide/python_stdlib.zip", "pyodide/pyodide-lock.json"];
      const parts = await Promise.all(files.map(async (f) => vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.root, f))));
      return snapshotKey(parts);
    })();
    return this.key;
  }

  /** Restores the panel after a window reload (registered at activation). */
  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(panelViewType, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        this.attach(panel);
      },
    });
  }

  /** Shows the panel, creating it when needed. */
  show(preserveFocus = true): void {
    if (this.panel !== undefined) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      panelViewType,
      panelTitle,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      { ...this.options(), retainContextWhenHidden: true },
    );
    this.attach(panel);
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    this.panel = panel;
    this.ready = false;
    this.cellsRan = false;
    void this.render(panel);
    // Before any cell: a cell that imports an installed package must find it.
    this.postPackages();
    const subs = [
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.handle(raw)),
      // A hidden page keeps its interpreters only within agentcode.panel.hiddenMemoryMiB (it knows their size).
      panel.onDidChangeViewState((e) => {
        if (this.panel === panel) this.post({ type: "panel/visibility", visible: e.webviewPanel.visible });
      }),
      panel.onDidDispose(() => {
        if (this.panel === panel) {
          this.panel = undefined;
          this.ready = false;
          this.queue = [];
          for (const w of this.waiting.values()) w.reject(new Error("The AgentCode Sandbox panel was closed before the run finished."));
          this.waiting.clear();
        }
        for (const s of subs) s.dispose();
      }),
    ];
  }

  /** The page's HTML, with the saved snapshot when there is a checked one. */
  private async render(panel: vscode.WebviewPanel): Promise<void> {
    panel.iconPath = vscode.Uri.joinPath(this.ctx.extension.extensionUri, "media", "icon.png");
    panel.webview.options = this.options();
    const uri = (p: string): string => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.root, p)).toString();
    let key: string | undefined;
    let saved: StoredSnapshot | undefined;
    if (this.snapshots !== undefined && this.ctx.config().get<boolean>("panel.persistSnapshot", true)) {
      try {
        key = await this.snapshotKey();
        saved = await this.snapshots.checked(key);
      } catch (e) {
        this.ctx.output.warn(`The saved Python snapshot could not be checked: ${errorMessage(e)}`);
      }
    }
    if (this.panel !== panel) return; // replaced while the snapshot was checked
    try {
      panel.webview.html = panelHtml(panel.webview.cspSource, {
        scriptUri: uri("panel.js"),
        styleUri: uri("panel.css"),
        assetsBaseUri: uri(""),
        snapshotKey: key,
        persistedSnapshot:
          saved === undefined ? undefined : { url: panel.webview.asWebviewUri(vscode.Uri.file(saved.file)).toString(), bytes: saved.bytes, sha256: saved.sha256, unpackedBytes: saved.unpackedBytes },
      }, undefined, extensionOptions(vscode.workspace.getConfiguration("agentcode")));
    } catch (e) {
      const message = errorMessage(e);
      this.ctx.output.error(`The panel could not be rendered: ${message}`);
      void vscode.window.showErrorMessage("AgentCode: the sandbox panel could not be shown. See 'AgentCode: Show Log'.");
    }
  }

  /** Posts to the page now when it is ready, else after `webview/ready`. */
  post(message: HostMessage): void {
    if (this.panel === undefined) this.show();
    if (this.ready && this.panel !== undefined) {
      void this.panel.webview.postMessage(message);
    } else {
      this.queue.push(message);
    }
  }

  /** Posts to the page only when the panel is open (the user may have closed it on purpose). */
  postIfOpen(message: HostMessage): void {
    if (this.panel !== undefined) this.post(message);
  }

  /** Adds a cell to the panel and, when `run`, runs it there. */
  addCell(cell: SessionCell, run: boolean): void {
    this.show();
    this.post({ type: "cell/add", id: cell.id, prompt: cell.prompt, code: cell.code, findings: cell.findings, dataFiles: cell.dataFiles, attempts: cell.attempts, server: cell.server, capabilities: cell.capabilities ?? null });
    if (run) this.post({ type: "cell/run", id: cell.id });
  }

  /**
   * Adds a cell, runs it and resolves with its result. Cancelling stops the run in the panel (the page answers
   * with a `stopped` result).
   */
  runCell(cell: SessionCell, token: vscode.CancellationToken): Promise<OutputsSummary> {
    return new Promise<OutputsSummary>((resolve, reject) => {
      const sub = token.onCancellationRequested(() => this.post({ type: "cell/stop", id: cell.id }));
      this.waiting.get(cell.id)?.reject(new Error("The cell was run again."));
      this.waiting.set(cell.id, {
        resolve: (s) => {
          sub.dispose();
          resolve(s);
        },
        reject: (e) => {
          sub.dispose();
          reject(e);
        },
      });
      this.addCell(cell, true);
    });
  }

  private flush(): void {
    const pending = this.queue;
    this.queue = [];
    for (const m of pending) void this.panel?.webview.postMessage(m);
  }

  private async handle(raw: unknown): Promise<void> {
    const action: PanelAction = decide(raw, this.ctx.session);
    try {
      await this.act(action);
    } catch (e) {
      const message = errorMessage(e);
      this.ctx.output.error(`Panel action ${action.kind} failed: ${message}`);
      void vscode.window.showErrorMessage(`AgentCode: ${message}`);
    }
  }

  private async act(action: PanelAction): Promise<void> {
    switch (action.kind) {
      case "ready":
        this.ready = true;
        this.flush();
        return;
      case "page-error":
        this.ctx.output.warn(`Panel: ${action.message}`);
        void vscode.window.showWarningMessage(`AgentCode panel: ${action.message}`);
        return;
      case "ignore":
        this.ctx.output.warn(`Ignored a panel message: ${action.reason}`);
        return;
      case "snapshot-save": {
        // Only a page whose cells have not run may offer one (its first worker makes it before `ready`).
        if (this.snapshots === undefined || this.cellsRan || action.key !== (await this.snapshotKey())) {
          this.ctx.output.warn("Ignored a Python snapshot offered after a cell ran or for another panel version.");
          return;
        }
        let stored: StoredSnapshot;
        try {
          stored = await this.snapshots.save(action.key, action.bytes);
        } catch (e) {
          // Nothing is lost but the next session's quick start: a note in the log, not an error to the user.
          this.ctx.output.warn(errorMessage(e));
          return;
        }
        this.ctx.output.info(`Saved the panel's Python snapshot (${Math.round(stored.bytes / 1024 / 1024)} MiB stored, ${Math.round(stored.unpackedBytes / 1024 / 1024)} MiB unpacked) for later sessions.`);
        return;
      }
      case "snapshot-rejected":
        this.ctx.output.warn(`Panel: ${action.reason} It is rebuilt.`);
        if (this.snapshots !== undefined && action.key === (await this.snapshotKey())) await this.snapshots.discard(action.key);
        return;
      case "result": {
        this.cellsRan = true;
        const cell = action.cell;
        if (cell !== undefined) cell.result = action.summary;
        // Code the user edited in the panel is theirs: its failure is not the generation's to repair.
        const ranEdited = cell !== undefined && action.code !== undefined && action.code !== lastGeneratedCode(cell);
        // The run record and a later notebook export show the code that produced this result.
        if (cell !== undefined && action.code !== undefined) cell.code = action.code;
        this.waiting.get(action.id)?.resolve(action.summary);
        this.waiting.delete(action.id);
        await this.ctx.record("run", recordedCell(action.id, cell), action.summary, null);
        // The panel run was this code's trial run (the server's was skipped): a failure goes back to the model.
        if (cell?.panelOnly !== undefined && !ranEdited) await this.connected.repairPanelFailure(cell, action.summary);
        return;
      }
      case "accept": {
        const cell = action.cell;
        const prompt = cell?.prompt ?? "";
        const uri = await this.connected.accept(cell?.target ?? { kind: "new-file" }, prompt || "accepted code", action.code);
        if (uri === undefined) {
          // Dismissed or not applied: the cell is undecided again, so Accept can be clicked once more.
          this.post({ type: "cell/acceptCancelled", id: action.id });
          return;
        }
        if (cell !== undefined) {
          cell.code = action.code;
          cell.decision = "accept";
        }
        await this.ctx.record(
          "decision",
          { id: action.id, prompt, model: cell?.model ?? null, code: action.code, findings: cell?.findings ?? [] },
          cell?.result ?? null,
          "accept",
        );
        vscode.window.setStatusBarMessage(`AgentCode: code accepted into ${vscode.workspace.asRelativePath(uri)}`, 5000);
        return;
      }
      case "reject": {
        const cell = action.cell;
        if (cell !== undefined) cell.decision = "reject";
        await this.ctx.record(
          "decision",
          recordedCell(action.id, cell),
          cell?.result ?? null,
          "reject",
        );
        vscode.window.setStatusBarMessage("AgentCode: code rejected", 5000);
        return;
      }
      case "save-figure": {
        const uri = await this.connected.saveFigure(action);
        if (uri === undefined) return;
        const cell = action.cell;
        await this.ctx.record(
          "decision",
          recordedCell(action.id, cell),
          cell?.result ?? null,
          "save-figure",
        );
        void vscode.window.showInformationMessage(savedMessage(vscode.workspace.asRelativePath(uri)), "Open").then((choice) => {
          if (choice === "Open") void vscode.commands.executeCommand("vscode.open", uri);
        });
        return;
      }
      case "open-output": {
        // An untitled document: nothing is written until the user saves it. Beside, so the panel stays visible.
        const doc = await vscode.workspace.openTextDocument({ content: action.text, language: "log" });
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
        return;
      }
      case "figure-refused":
        this.ctx.output.warn(`Panel: refused to save figure ${action.name}: ${action.reason}`);
        void vscode.window.showErrorMessage(`AgentCode: the figure ${action.name} was not saved: ${action.reason}`);
        return;
      case "check":
        try {
          this.post(checkedMessage(action.id, action.code, await this.connected.check(action.code)));
        } catch (e) {
          // The cell must not wait forever: it shows why, and Check can be clicked again.
          this.ctx.output.warn(`Check of an edited cell failed: ${errorMessage(e)}`);
          this.post({ type: "cell/checkFailed", id: action.id, message: `${errorMessage(e)} Try Check again once the AgentCode server is running.` });
        }
        return;
      case "fix":
        action.cell.decision = "fix";
        await this.ctx.record("decision", action.cell, action.cell.result, "fix");
        await this.connected.fix(action.cell, action.feedback);
        return;
    }
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
