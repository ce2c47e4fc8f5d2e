/**
 * Maps the VS Code settings `agentcode.*` to the settings object the language server reads
 * ({llm, generate, sandbox, policy}; see docs/configuration.md) and to the extension's own options (server path,
 * panel behaviour). The endpoint (base URL, key, whether an environment key may be used) is not read here but
 * decided by endpoint.ts; the server executables are read from user / remote-machine settings only. Pure: it
 * reads through a small getter interface so tests need no `vscode`.
 */

/** The part of vscode.WorkspaceConfiguration this module needs. */
export interface SettingsReader {
  get<T>(section: string): T | undefined;
}

export interface ServerSettings {
  readonly llm: {
    readonly baseUrl?: string;
    readonly model?: string;
    readonly apiKey?: string;
    readonly useEnvironmentKey?: boolean;
    readonly apiVersion?: string;
    readonly timeoutSeconds?: number;
    readonly stream?: boolean;
  };
  readonly generate: { readonly maxAttempts?: number };
  readonly sandbox: {
    readonly timeoutSeconds?: number;
    readonly memoryMb?: number;
    readonly outputKb?: number;
    readonly maxInputKb?: number;
    readonly concurrentRuns?: number;
    readonly queuedRuns?: number;
  };
  readonly policy: { readonly disabledRules: readonly string[] };
}

export interface ExtensionOptions {
  readonly runOnOpen: boolean;
  /** The panel keeps the head and tail of each output stream within these caps (agentcode.panel.outputCap*). */
  readonly outputCapLines: number;
  readonly outputCapKiB: number;
  /** The memory the panel's interpreters may keep while it is hidden (agentcode.panel.hiddenMemoryMiB). */
  readonly hiddenMemoryMiB: number;
  readonly trace: "off" | "messages" | "verbose";
}

function str(reader: SettingsReader, key: string): string | undefined {
  const v = reader.get<unknown>(key);
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

function num(reader: SettingsReader, key: string): number | undefined {
  const v = reader.get<unknown>(key);
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : undefined;
}

/** agentcode.panel.hiddenMemoryMiB: 0 is a real choice (let Python go whenever the panel is hidden). */
function hiddenMemoryMiB(reader: SettingsReader): number {
  const v = reader.get<unknown>("panel.hiddenMemoryMiB");
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 512;
}

function bool(reader: SettingsReader, key: string): boolean | undefined {
  const v = reader.get<unknown>(key);
  return typeof v === "boolean" ? v : undefined;
}

function strings(reader: SettingsReader, key: string): string[] {
  const v = reader.get<unknown>(key);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x.trim() !== "").map((x) => x.trim()) : [];
}

/** The endpoint the server is to use, as endpoint.ts decided it, and the key stored for its origin. */
export interface EndpointSettings {
  /** Unset: the server's environment fallback and default (the user's own endpoint). */
  readonly baseUrl?: string;
  readonly apiKey?: string;
  /** False for an endpoint the workspace chose: the server must not send AGENTCODE_API_KEY / OPENAI_API_KEY there. */
  readonly useEnvironmentKey: boolean;
}

function nonBlank(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== "" ? v.trim() : undefined;
}

/** Settings for the server; unset or malformed values are left out so the server's defaults and env fallbacks apply. */
export function serverSettings(reader: SettingsReader, endpoint: EndpointSettings): ServerSettings {
  return {
    llm: {
      baseUrl: nonBlank(endpoint.baseUrl),
      model: str(reader, "llm.model"),
      apiKey: nonBlank(endpoint.apiKey),
      useEnvironmentKey: endpoint.useEnvironmentKey,
      apiVersion: str(reader, "llm.apiVersion"),
      timeoutSeconds: num(reader, "llm.timeoutSeconds"),
      stream: bool(reader, "llm.stream"),
    },
    generate: { maxAttempts: num(reader, "generate.maxAttempts") },
    sandbox: {
      timeoutSeconds: num(reader, "sandbox.timeoutSeconds"),
      memoryMb: num(reader, "sandbox.memoryMb"),
      outputKb: num(reader, "sandbox.outputKb"),
      maxInputKb: num(reader, "sandbox.maxInputKb"),
      concurrentRuns: num(reader, "sandbox.concurrentRuns"),
      queuedRuns: num(reader, "sandbox.queuedRuns"),
    },
    policy: { disabledRules: strings(reader, "policy.disabledRules") },
  };
}

/** The payload of initializationOptions and workspace/didChangeConfiguration. */
export function configurationPayload(settings: ServerSettings): { settings: { agentcode: ServerSettings } } {
  return { settings: { agentcode: settings } };
}

/** The programs the extension starts on the host: the server (empty: the bundled one) and `dotnet`. */
export interface ServerExecutables {
  readonly serverPath?: string;
  readonly dotnetPath: string;
}

/**
 * The server executables, from `machine`, a reader of user and remote-machine settings only: a workspace never
 * chooses what runs on the host (the settings are also `machine` scoped in package.json).
 */
export function serverExecutables(machine: SettingsReader): ServerExecutables {
  return { serverPath: str(machine, "server.path"), dotnetPath: str(machine, "server.dotnetPath") ?? "dotnet" };
}

export function extensionOptions(reader: SettingsReader): ExtensionOptions {
  const trace = reader.get<unknown>("trace");
  return {
    runOnOpen: bool(reader, "panel.runOnOpen") ?? true,
    outputCapLines: Math.floor(num(reader, "panel.outputCapLines") ?? 5000),
    outputCapKiB: Math.floor(num(reader, "panel.outputCapKiB") ?? 1024),
    hiddenMemoryMiB: hiddenMemoryMiB(reader),
    trace: trace === "messages" || trace === "verbose" ? trace : "off",
  };
}

/** Settings whose change needs a server restart rather than a didChangeConfiguration. */
export const restartSettings: readonly string[] = ["agentcode.server.path", "agentcode.server.dotnetPath"];
