/**
 * The cells of this session: what was generated or run, for which prompt and target, what the panel's run
 * produced, and what the user decided. The panel, the run record and the notebook export read from here.
 * Pure (no `vscode`): targets are plain URIs and ranges.
 */
import type { Attempt, Capabilities, DataFile, Finding, OutputsSummary, ServerRun, ServerVerdict } from "../../webview-pyodide/src/protocol";
import { maxAttempts, maxCapabilityReads } from "../../webview-pyodide/src/protocol";
import type { AttemptInfo, CheckResultInfo, GenerateContext, PreviousAttempt, Range, RunResultInfo } from "./lsp_ext";

/** Where accepted code goes: an editor's selection (insert at the cursor when empty), or a new file. */
export type Target = { readonly kind: "editor"; readonly uri: string; readonly range: Range } | { readonly kind: "new-file" };

export type Decision = "accept" | "reject" | "fix";

/**
 * Generated code whose server trial run was skipped because it needs a package installed for the panel only: what
 * a repair replays when the code then fails in the panel, so the model sees the same history as for a failed trial run.
 */
export interface PanelOnlyTrial {
  /** The prompt and context that were sent to the model. */
  readonly modelPrompt: string;
  readonly context: GenerateContext;
  /** The attempts before the one that produced this cell's code. */
  readonly history: readonly PreviousAttempt[];
  /** The model's reply that holds this cell's code. */
  readonly reply: string;
  readonly maxAttempts: number;
  /** Set once a repair was asked for, so a cell is repaired at most once. */
  repairing: boolean;
}

export interface SessionCell {
  readonly id: string;
  readonly prompt: string;
  code: string;
  readonly model: string | null;
  readonly findings: readonly Finding[];
  readonly target: Target;
  /** Host paths of the data files, for re-generation; the panel gets their bytes in dataFiles. */
  readonly dataPaths: readonly string[];
  readonly dataFiles: readonly DataFile[];
  /** The generation's attempts in the panel's shape (empty for code the server did not generate). */
  readonly attempts: readonly Attempt[];
  /** Whether the code passed the server's check and trial run ("none": the server did not generate it). */
  readonly server: ServerVerdict;
  /** What the code will touch, from the server's check (the panel shows it before Run); absent when unchecked. */
  readonly capabilities?: Capabilities | null;
  /** The panel's last run of this cell, or the server's run for Run File/Selection/Cell. */
  result: OutputsSummary | null;
  decision: Decision | null;
  /** Present when the server's trial run was skipped (panel-only packages): the panel run is the trial run. */
  panelOnly?: PanelOnlyTrial;
}

/** Largest part of a panel traceback sent back to the model, in characters (the end is kept). */
const maxPanelProblem = 6000;

/** The repair request's problem when code whose trial run was skipped failed in the panel. */
export function panelFailureProblem(summary: OutputsSummary): string {
  const detail = (summary.error ?? "").trim() || summary.stderr.trim() || `The run ended with status ${summary.status}.`;
  const tail = detail.length > maxPanelProblem ? `...${detail.slice(-maxPanelProblem)}` : detail;
  return `The trial run was skipped on the server (the code needs a package installed in the review panel only), and the code failed when it ran in the review panel (Pyodide):\n\n${tail}`;
}

export class Session {
  private readonly cells = new Map<string, SessionCell>();
  private counter = 0;

  /** A fresh cell id, unique within this extension host. */
  nextId(): string {
    this.counter += 1;
    return `c${Date.now().toString(36)}-${this.counter}`;
  }

  add(cell: SessionCell): void {
    this.cells.set(cell.id, cell);
  }

  get(id: string): SessionCell | undefined {
    return this.cells.get(id);
  }

  all(): readonly SessionCell[] {
    return [...this.cells.values()];
  }
}

/** The code the generation produced for this cell (its last attempt with code); undefined when it was not generated. */
export function lastGeneratedCode(cell: Pick<SessionCell, "attempts">): string | undefined {
  return [...cell.attempts].reverse().find((a) => a.code !== null)?.code ?? undefined;
}

/** Findings of a check, in the panel's shape (0-based start line). */
export function panelFindings(check: CheckResultInfo | undefined): Finding[] {
  if (check === undefined) return [];
  const syntax: Finding[] = check.syntaxErrors.map((e) => ({
    ruleId: "syntax",
    severity: "error",
    message: e.message,
    line: e.range.start.line,
  }));
  const policy: Finding[] = check.findings.map((f) => ({
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    line: f.range.start.line,
  }));
  return [...syntax, ...policy];
}

/** The capability summary of a check in the panel's shape (at most the panel's number of paths); null without one. */
export function panelCapabilities(check: CheckResultInfo | undefined): Capabilities | null {
  const c = check?.capabilities;
  return c === undefined ? null : { reads: c.reads.slice(0, maxCapabilityReads), writesOutput: c.writesOutput, imports: [...c.imports] };
}

/**
 * What the panel shows of the server's trial run: nothing when it passed; a note when it was skipped because the
 * code needs a package installed for the panel only ("Server trial run skipped: needs pandas (panel only)").
 */
export function trialRunFindings(run: RunResultInfo | undefined): Finding[] {
  if (run?.status !== "skipped") return [];
  const reason = run.message ?? "skipped";
  return [{ ruleId: "trial-run", severity: "info", message: `Server trial run ${reason}` }];
}

/**
 * A server run result summarised like a panel run, so records and notebooks treat both alike: a passed output cap
 * is the `outputLimit` sentence (not an error, as in the panel), and the outputs are kept in order.
 */
export function summaryOfServerRun(run: RunResultInfo): OutputsSummary {
  const error = serverRunError(run);
  return {
    status: run.status === "ok" || run.status === "error" || run.status === "output-limit" ? run.status : "failed",
    stdout: run.stdout,
    stderr: run.stderr,
    error,
    outputLimit: run.status === "output-limit" ? (run.message ?? "The run passed an output cap.") : null,
    outputs: run.outputs,
    elapsedMs: run.elapsedMs,
  };
}

/** The error text of a server run: the traceback (or "Type: message"), or the sandbox's sentence for a timeout or memory. */
function serverRunError(run: RunResultInfo): string | null {
  // A skipped trial run stopped at a panel-only import: its sentence ("skipped: needs pandas (panel only)") says why.
  if (run.status === "skipped") return run.message ?? "skipped";
  if (run.error !== undefined) return run.error.traceback !== "" ? run.error.traceback : `${run.error.type}: ${run.error.message}`;
  return run.status !== "ok" && run.status !== "output-limit" ? (run.message ?? run.status) : null;
}

/** A server trial run in the panel's shape. */
export function panelServerRun(run: RunResultInfo): ServerRun {
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, error: serverRunError(run), outputs: run.outputs, elapsedMs: Math.max(0, Math.round(run.elapsedMs)) };
}

/** A generation's attempts in the panel's shape, at most the panel's bound (the latest ones). */
export function panelAttempts(attempts: readonly AttemptInfo[]): Attempt[] {
  return attempts.slice(-maxAttempts).map((a) => ({
    attempt: a.attempt,
    code: a.code ?? null,
    findings: panelFindings(a.check),
    run: a.run === undefined ? null : panelServerRun(a.run),
    error: a.error === undefined ? null : { kind: a.error.kind, message: a.error.message },
  }));
}

/**
 * One sentence per failed attempt for a failure notification: "Attempt 1: runtime: NameError: ...". Empty when none
 * of them failed.
 */
export function attemptCauses(attempts: readonly AttemptInfo[]): string {
  const failed = attempts.filter((a) => a.error !== undefined);
  if (failed.length === 0) return "";
  return failed.map((a) => `Attempt ${a.attempt}: ${a.error?.kind}: ${a.error?.message}`).join(" ");
}
