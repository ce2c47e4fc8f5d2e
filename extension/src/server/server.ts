/**
 * Runs the AgentCode language server with vscode-languageclient: the package's self-contained
 * `<extension>/server/agentcode lsp --stdio` (or agentcode.server.path, from user / remote-machine settings only;
 * server_command.ts decides), settings in initializationOptions
 * and workspace/didChangeConfiguration as `{settings: {agentcode: {...}}}` with the endpoint and the key of its
 * origin as EndpointAccess decides them, diagnostics and code lenses handled by
 * the client, logs in the "AgentCode" output channel. A crashed server is restarted up to 4 times in 3 minutes,
 * then the status bar shows the failure and the user is told what to do.
 */
import * as vscode from "vscode";
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  Trace,
} from "vscode-languageclient/node";
import { configurationPayload, extensionOptions, serverExecutables, serverSettings, type ServerSettings, type SettingsReader } from "../settings/config";
import type { EndpointAccess } from "../settings/endpoint_access";
import { checkDotnet, resolveServerCommand } from "./server_command";
import type { StatusItem } from "./status";
import { errorMessage } from "../errors";
import { methods } from "../lsp_ext";

/** Reads user and remote-machine settings only, never workspace ones: for the executables the host runs. */
export function machineReader(config: vscode.WorkspaceConfiguration): SettingsReader {
  return { get: <T>(key: string) => config.inspect<T>(key)?.globalValue };
}

/** Thrown by `client()` when there is no running server; its message is for the user. */
export class ServerUnavailable extends Error {}

export class ServerHost implements vscode.Disposable {
  private lc: LanguageClient | undefined;
  private crashes: number[] = [];
  private starting: Promise<void> | undefined;
  private lastSettingsLine = "";

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly status: StatusItem,
    private readonly endpoints: EndpointAccess,
  ) {}

  /** The settings for the server and one log line describing the endpoint (never the key). */
  private async current(): Promise<{ settings: ServerSettings; line: string }> {
    const endpoint = await this.endpoints.serverSettings();
    const settings = serverSettings(vscode.workspace.getConfiguration("agentcode"), endpoint);
    const line = `Settings: endpoint ${endpoint.origin ?? "(invalid base URL)"} (${endpoint.source ?? "none"}), model ${
      settings.llm.model ?? "(server default or AGENTCODE_MODEL)"
    }, API key ${settings.llm.apiKey !== undefined ? "stored for this origin" : endpoint.useEnvironmentKey ? "not stored (environment fallback)" : "none"}.`;
    return { settings, line };
  }

  /** The running client, waiting for a start in progress; throws ServerUnavailable with advice otherwise. */
  async client(): Promise<LanguageClient> {
    if (this.starting !== undefined) await this.starting;
    if (this.lc !== undefined && this.lc.state === State.Starting) await this.whenSettled(this.lc, 60_000);
    const state = this.status.state;
    if (this.lc !== undefined && this.lc.state === State.Running) return this.lc;
    const reason = state.kind === "failed" ? state.message : "The AgentCode server is not running.";
    throw new ServerUnavailable(`${reason} Run 'AgentCode: Restart Server' after fixing it, or see 'AgentCode: Show Log'.`);
  }

  /** Waits until a client that is restarting after a crash is running or stopped again (or the deadline passes). */
  private whenSettled(lc: LanguageClient, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const sub = lc.onDidChangeState((e) => {
        if (e.newState !== State.Starting) done();
      });
      function done(): void {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  }

  start(): Promise<void> {
    this.starting = this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /**
   * Checks a one-line program in the background so that the server compiles its Python sandbox now (once; the
   * compiled module is cached), not during the user's first generation. The status bar says so meanwhile.
   */
  private async prepareSandbox(lc: LanguageClient, version: string | null): Promise<void> {
    const started = Date.now();
    try {
      await lc.sendRequest(methods.check, { code: "pass\n" });
      this.output.info(`Python sandbox prepared in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    } catch (e) {
      this.output.warn(`Preparing the Python sandbox failed: ${errorMessage(e)}`);
    }
    if (this.lc === lc && this.status.state.kind === "preparing") this.status.set({ kind: "ready", version });
  }

  private async doStart(): Promise<void> {
    this.status.set({ kind: "starting" });
    const config = vscode.workspace.getConfiguration("agentcode");
    const opts = extensionOptions(config);
    const exe = serverExecutables(machineReader(config));
    const resolved = resolveServerCommand(this.context.extensionPath, exe.serverPath, exe.dotnetPath);
    if (!resolved.ok) return this.fail(resolved.message);
    if (resolved.value.needsDotnet) {
      const dotnet = checkDotnet(exe.dotnetPath);
      if (!dotnet.ok) return this.fail(dotnet.message);
    }
    const { command, args } = resolved.value;
    const { settings: initial, line } = await this.current();
    this.logSettings(line);
    this.output.info(`Starting the server: ${command} ${args.join(" ")}`);
    const exec = { command, args: [...args], options: { env: { ...process.env } } };
    const serverOptions: ServerOptions = { run: exec, debug: exec };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: "python" },
        { scheme: "untitled", language: "python" },
      ],
      outputChannel: this.output,
      initializationOptions: configurationPayload(initial),
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        closed: () => this.onClosed(),
      },
    };
    const lc = new LanguageClient("agentcode", "AgentCode", serverOptions, clientOptions);
    this.lc = lc;
    // After a crash the client restarts the server by itself; the status follows it back to ready.
    lc.onDidChangeState((e) => {
      if (this.lc === lc && e.newState === State.Running && this.status.state.kind === "starting") {
        this.status.set({ kind: "ready", version: lc.initializeResult?.serverInfo?.version ?? null });
      }
    });
    try {
      await lc.start();
      if (opts.trace !== "off") await lc.setTrace(opts.trace === "verbose" ? Trace.Verbose : Trace.Messages);
      const version = lc.initializeResult?.serverInfo?.version ?? null;
      this.status.set({ kind: "preparing", version });
      this.output.info(`Server ready (version ${version ?? "unknown"}).`);
      void this.prepareSandbox(lc, version);
      // Settings that changed while the server was starting (code-server delivers the user settings to the
      // extension host a little after activation) would otherwise be lost: send the current ones once more.
      await this.pushSettings();
    } catch (e) {
      this.lc = undefined;
      await lc.dispose().catch(() => undefined);
      this.fail(`The AgentCode server did not start: ${errorMessage(e)}`);
    }
  }

  private fail(message: string): void {
    this.output.error(message);
    this.status.set({ kind: "failed", message });
    void vscode.window.showErrorMessage(`AgentCode: ${message}`, "Show Log").then((c) => {
      if (c === "Show Log") this.output.show(true);
    });
  }

  private onClosed(): { action: CloseAction; message?: string; handled?: boolean } {
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < 180_000), now];
    if (this.crashes.length <= 4) {
      this.status.set({ kind: "starting" });
      this.output.warn(`The server stopped unexpectedly; restarting (${this.crashes.length} of 4 in 3 minutes).`);
      void vscode.window.showWarningMessage("AgentCode: the language server stopped unexpectedly and is being restarted.");
      return { action: CloseAction.Restart, handled: true };
    }
    const message = "The AgentCode server keeps stopping (5 times in 3 minutes), so it was not restarted.";
    this.status.set({ kind: "failed", message });
    void vscode.window.showErrorMessage(`AgentCode: ${message}`, "Show Log", "Restart Server").then((c) => {
      if (c === "Show Log") this.output.show(true);
      if (c === "Restart Server") void this.restart();
    });
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  /** Sends the current settings (after a settings or API key change). */
  async pushSettings(): Promise<void> {
    if (this.lc === undefined || this.lc.state !== State.Running) return;
    const { settings, line } = await this.current();
    this.logSettings(line);
    await this.lc.sendNotification(DidChangeConfigurationNotification.type, configurationPayload(settings));
  }

  /** The endpoint line, when it differs from the last one logged. */
  private logSettings(line: string): void {
    if (line !== this.lastSettingsLine) this.output.info(line);
    this.lastSettingsLine = line;
  }

  async stop(): Promise<void> {
    const lc = this.lc;
    this.lc = undefined;
    if (lc === undefined) return;
    try {
      if (lc.state === State.Running) await lc.stop(10_000);
    } catch (e) {
      this.output.warn(`Stopping the server: ${errorMessage(e)}`);
    }
    await lc.dispose().catch(() => undefined);
    this.status.set({ kind: "stopped" });
  }

  async restart(): Promise<void> {
    // A restart asked for while the server is starting (a settings change) waits for that start to finish.
    if (this.starting !== undefined) await this.starting;
    this.crashes = [];
    await this.stop();
    await this.start();
  }

  dispose(): void {
    void this.stop();
  }
}
