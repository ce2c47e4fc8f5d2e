/**
 * The run record: one JSON object per line in `.agentcode/runs.jsonl` of the first workspace folder, for every
 * generation, run and decision (time, event, prompt, model, the endpoint origin of a generation but never its
 * key, sha256 of the code, findings, outputs summary with each output's name, MIME type and SHA-256, decision). A
 * generation's outputs are those of its server trial run. Appending never loses earlier lines. Node only (fs,
 * crypto), no `vscode`, so it is unit-tested.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import type { Finding, Output, OutputsSummary } from "../../../webview-pyodide/src/protocol";
import type { Decision } from "../session";

export type RecordEvent = "generate" | "run" | "decision";

/** A decision line: the cell's own decision, or `save-figure` when the user saved one of its images. */
export type RecordDecision = Decision | "save-figure";

/** One line of runs.jsonl. Field order is fixed; absent values are null. */
export interface RunRecord {
  readonly time: string;
  readonly event: RecordEvent;
  readonly cell: string;
  readonly prompt: string;
  readonly model: string | null;
  /** The endpoint origin (scheme, host, port) a generation was sent to; null for runs and decisions. */
  readonly endpoint: string | null;
  /** null when there is no code (a generation that failed before any code). */
  readonly codeSha256: string | null;
  readonly findings: readonly { readonly ruleId: string; readonly severity: string; readonly line: number | null }[];
  readonly outputs: {
    readonly status: string;
    readonly stdout: string;
    readonly stderr: string;
    readonly error: string | null;
    /** The sentence naming the output cap that was passed (status output-limit), else null. */
    readonly outputLimit: string | null;
    /** Each output's file name under /output (null when displayed), MIME type and SHA-256 of its bytes. */
    readonly items: readonly { readonly name: string | null; readonly mime: string; readonly sha256: string }[];
    readonly elapsedMs: number;
  } | null;
  readonly decision: RecordDecision | null;
  /** Generation error kind (e.g. "unauthorized"), or null. */
  readonly error: string | null;
}

export interface RecordInput {
  readonly event: RecordEvent;
  readonly cell: string;
  readonly prompt: string;
  readonly model: string | null;
  readonly code: string;
  readonly findings: readonly Finding[];
  readonly outputs: OutputsSummary | null;
  readonly decision: RecordDecision | null;
  readonly error?: string | null;
  readonly endpoint?: string | null;
  readonly now?: Date;
}

/** Outputs are summarised: the first 500 characters of each stream. */
const maxText = 500;

function clip(text: string): string {
  return text.length <= maxText ? text : `${text.slice(0, maxText)}…`;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * The SHA-256 of an output's bytes: the decoded base64, or the UTF-8 of its text. For a file under /output that is
 * the file's own hash (what `agentcode run --output-dir` writes); for a displayed chart, that of its JSON text.
 */
export function outputSha256(output: Output): string {
  const hash = createHash("sha256");
  if (output.base64 !== undefined) hash.update(Buffer.from(output.base64, "base64"));
  else hash.update(output.text ?? "", "utf8");
  return hash.digest("hex");
}

export function makeRecord(input: RecordInput): RunRecord {
  const o = input.outputs;
  return {
    time: (input.now ?? new Date()).toISOString(),
    event: input.event,
    cell: input.cell,
    prompt: input.prompt,
    model: input.model,
    endpoint: input.endpoint ?? null,
    codeSha256: input.code === "" ? null : sha256(input.code),
    findings: input.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, line: f.line ?? null })),
    outputs:
      o === null
        ? null
        : {
            status: o.status,
            stdout: clip(o.stdout),
            stderr: clip(o.stderr),
            error: o.error === null ? null : clip(o.error),
            outputLimit: o.outputLimit ?? null,
            items: o.outputs.map((output) => ({ name: output.name ?? null, mime: output.mime, sha256: outputSha256(output) })),
            elapsedMs: Math.round(o.elapsedMs),
          },
    decision: input.decision,
    error: input.error ?? null,
  };
}

/** One line of JSON (no newlines inside: JSON.stringify escapes them). */
export function recordLine(record: RunRecord): string {
  return `${JSON.stringify(record)}\n`;
}

export const recordRelativePath = path.join(".agentcode", "runs.jsonl");

/** Appends one record to `<folder>/.agentcode/runs.jsonl`, creating the folder when needed. */
export async function appendRecord(folder: string, record: RunRecord): Promise<string> {
  const file = path.join(folder, recordRelativePath);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.appendFile(file, recordLine(record), "utf8");
  return file;
}
