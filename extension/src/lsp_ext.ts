/**
 * The custom agentcode/* requests of the language server, with their params and results. This file mirrors
 * server/AgentCode.Server/Protocol/AgentCodeProtocol.cs (and docs/protocol.md); change both together. A unit
 * test fails when a method in the C# AgentCodeMethods is missing here. No `vscode` import: pure types.
 */

/** Method names, as in AgentCodeMethods. */
export const methods = {
  check: "agentcode/check",
  run: "agentcode/run",
  generate: "agentcode/generate",
  /** Client command behind the server's "Run in sandbox" code lenses; implemented by this extension. */
  runCellCommand: "agentcode.runCell",
} as const;

/** Stable JSON-RPC error codes, as in AgentCodeErrorCodes. */
export const errorCodes = {
  configuration: -32001,
  badInput: -32602,
  sandboxUnavailable: -32003,
  busy: -32004,
  requestCancelled: -32800,
} as const;

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export interface CheckParams {
  readonly code?: string;
  readonly uri?: string;
}

export interface SyntaxErrorInfo {
  readonly message: string;
  readonly range: Range;
}

export type Severity = "error" | "warning" | "info";

export interface FindingInfo {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly range: Range;
  readonly message: string;
}

/** What the code will touch (CapabilitiesInfo): /data paths it names, whether it names /output, its imports. */
export interface CapabilitiesInfo {
  readonly reads: readonly string[];
  readonly writesOutput: boolean;
  readonly imports: readonly string[];
}

export interface CheckResultInfo {
  readonly syntaxErrors: readonly SyntaxErrorInfo[];
  readonly findings: readonly FindingInfo[];
  readonly blocking: boolean;
  /** Absent when the code did not parse. */
  readonly capabilities?: CapabilitiesInfo;
}

export interface RunLimitsParams {
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
  readonly outputKb?: number;
}

export interface RunParams {
  readonly code?: string;
  readonly uri?: string;
  readonly data?: readonly string[];
  readonly limits?: RunLimitsParams;
}

export interface PythonErrorInfo {
  readonly type: string;
  readonly message: string;
  readonly traceback: string;
  readonly line?: number;
}

/** "skipped": a generation's trial run of code that imports a package installed for the panel only. */
export type RunStatus = "ok" | "error" | "timeout" | "memory" | "output-limit" | "skipped";

/** One output of a run (the output contract, contract/contract.json): something displayed, or a file under /output. */
export interface RunOutputInfo {
  readonly mime: string;
  readonly text?: string;
  readonly base64?: string;
  /** The file's path under /output; absent for displayed outputs. */
  readonly name?: string;
}

export interface RunResultInfo {
  readonly status: RunStatus;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: PythonErrorInfo;
  readonly message?: string;
  readonly elapsedMs: number;
  /** What the program displayed, in order, then the files it wrote under /output. */
  readonly outputs: readonly RunOutputInfo[];
}

export interface ActiveFile {
  readonly uri: string;
  readonly text: string;
}

/** A package installed for the review panel only (Pyodide's lock name, version and import names). */
export interface PanelPackageInfo {
  readonly name: string;
  readonly version: string;
  readonly imports: readonly string[];
}

export interface GenerateContext {
  readonly selection?: string;
  readonly activeFile?: ActiveFile;
  readonly dataFiles?: readonly string[];
  /** Installed for the panel only: the model is told, and a trial run that needs one is skipped. */
  readonly panelPackages?: readonly PanelPackageInfo[];
}

export type ProgressToken = string | number;

/** An earlier attempt of a generation: the model's reply and what went wrong with its code. */
export interface PreviousAttempt {
  readonly reply: string;
  readonly problem: string;
}

export interface GenerateParams {
  readonly prompt: string;
  readonly context?: GenerateContext;
  readonly maxAttempts?: number;
  readonly workDoneToken?: ProgressToken;
  readonly partialResultToken?: ProgressToken;
  /** Earlier attempts replayed before the first new one (e.g. code that failed in the panel); they count against maxAttempts. */
  readonly history?: readonly PreviousAttempt[];
}

export interface GenerationErrorInfo {
  /** Stable: unauthorized, rate-limited, server-error, bad-request, timeout, truncated, network, attempts-exhausted, ... */
  readonly kind: string;
  readonly message: string;
}

export interface AttemptInfo {
  readonly attempt: number;
  readonly reply: string;
  readonly code?: string;
  readonly check?: CheckResultInfo;
  readonly run?: RunResultInfo;
  readonly error?: GenerationErrorInfo;
}

export interface FinalInfo {
  readonly code?: string;
  readonly ok: boolean;
}

export interface GenerateResult {
  readonly prompt: string;
  readonly model: string;
  readonly attempts: readonly AttemptInfo[];
  readonly final: FinalInfo;
  readonly error?: GenerationErrorInfo;
}

/** `$/progress` values sent with the partialResultToken of agentcode/generate. */
export type GenerateProgress =
  | { readonly kind: "token"; readonly attempt: number; readonly text: string }
  | { readonly kind: "attempt"; readonly result: AttemptInfo };

/** Standard work-done progress values (begin/report/end) sent with the workDoneToken. */
export interface WorkDoneProgress {
  readonly kind: "begin" | "report" | "end";
  readonly title?: string;
  readonly message?: string;
}

/** The argument of agentcode.runCell as the server's code lenses send it. */
export interface RunCellArgs {
  readonly uri: string;
  readonly range: Range;
}
