/**
 * Messages between the extension host and the panel page (the webview), as discriminated unions, with
 * runtime validators. The extension imports this file too: every message crossing the boundary is parsed
 * with `parseHostMessage` (page side) or `parsePageMessage` (host side) before it is acted on.
 */

export type Severity = "error" | "warning" | "info";

/** A checker finding shown under a cell; `line` is 0-based like LSP ranges. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly line?: number;
}

/** A data file mounted read-only at `/data/<name>` while the cell runs. */
export interface DataFile {
  readonly name: string;
  readonly base64: string;
}

export type RunStatus = "ok" | "error" | "stopped" | "failed";

/** What a run produced, summarised for the host (images and HTML are counted, not sent). */
export interface OutputsSummary {
  readonly status: RunStatus;
  readonly stdout: string;
  readonly stderr: string;
  readonly repr: string | null;
  readonly error: string | null;
  readonly images: number;
  readonly html: boolean;
  readonly elapsedMs: number;
}

/** Host -> page. */
export type HostMessage =
  | {
      readonly type: "cell/add";
      readonly id: string;
      readonly prompt: string;
      readonly code: string;
      readonly findings: readonly Finding[];
      readonly dataFiles: readonly DataFile[];
    }
  | { readonly type: "cell/run"; readonly id: string }
  | { readonly type: "cell/stop"; readonly id: string };

/** Page -> host. */
export type PageMessage =
  | { readonly type: "webview/ready" }
  | { readonly type: "webview/error"; readonly message: string }
  | { readonly type: "cell/accept"; readonly id: string; readonly code: string }
  | { readonly type: "cell/reject"; readonly id: string }
  | { readonly type: "cell/fix"; readonly id: string; readonly feedback: string }
  | { readonly type: "cell/result"; readonly id: string; readonly summary: OutputsSummary };

export type HostMessageType = HostMessage["type"];
export type PageMessageType = PageMessage["type"];

/** Every method name, for documentation checks. */
export const hostMessageTypes: readonly HostMessageType[] = ["cell/add", "cell/run", "cell/stop"];
export const pageMessageTypes: readonly PageMessageType[] = [
  "webview/ready",
  "webview/error",
  "cell/accept",
  "cell/reject",
  "cell/fix",
  "cell/result",
];

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Small checking helpers shared with worker_protocol.ts. */
export type Obj = { readonly [key: string]: unknown };

export function isObj(x: unknown): x is Obj {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

export function isStr(x: unknown): x is string {
  return typeof x === "string";
}

export function isNum(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

export function fail<T>(error: string): Parsed<T> {
  return { ok: false, error };
}

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

const maxFileName = 255;

export function isDataFile(x: unknown): x is DataFile {
  return (
    isObj(x) &&
    isStr(x.name) &&
    x.name.length > 0 &&
    x.name.length <= maxFileName &&
    !x.name.includes("/") &&
    x.name !== "." &&
    x.name !== ".." &&
    isStr(x.base64) &&
    /^[A-Za-z0-9+/]*={0,2}$/.test(x.base64)
  );
}

function isFinding(x: unknown): x is Finding {
  return (
    isObj(x) &&
    isStr(x.ruleId) &&
    (x.severity === "error" || x.severity === "warning" || x.severity === "info") &&
    isStr(x.message) &&
    (x.line === undefined || (isNum(x.line) && x.line >= 0))
  );
}

function isSummary(x: unknown): x is OutputsSummary {
  return (
    isObj(x) &&
    (x.status === "ok" || x.status === "error" || x.status === "stopped" || x.status === "failed") &&
    isStr(x.stdout) &&
    isStr(x.stderr) &&
    (x.repr === null || isStr(x.repr)) &&
    (x.error === null || isStr(x.error)) &&
    isNum(x.images) &&
    typeof x.html === "boolean" &&
    isNum(x.elapsedMs)
  );
}

function hasId(x: Obj): x is Obj & { readonly id: string } {
  return isStr(x.id) && x.id.length > 0;
}

/** Validates a message the page received from the host. */
export function parseHostMessage(x: unknown): Parsed<HostMessage> {
  if (!isObj(x) || !isStr(x.type)) return fail("message is not an object with a string 'type'");
  if (!hasId(x)) return fail(`${x.type}: missing 'id'`);
  switch (x.type) {
    case "cell/add": {
      if (!isStr(x.prompt) || !isStr(x.code)) return fail("cell/add: 'prompt' and 'code' must be strings");
      if (!Array.isArray(x.findings) || !x.findings.every(isFinding)) return fail("cell/add: bad 'findings'");
      if (!Array.isArray(x.dataFiles) || !x.dataFiles.every(isDataFile))
        return fail("cell/add: bad 'dataFiles' (need [{name, base64}] with plain file names)");
      return ok({
        type: "cell/add",
        id: x.id,
        prompt: x.prompt,
        code: x.code,
        findings: x.findings.filter(isFinding),
        dataFiles: x.dataFiles.filter(isDataFile),
      });
    }
    case "cell/run":
      return ok({ type: "cell/run", id: x.id });
    case "cell/stop":
      return ok({ type: "cell/stop", id: x.id });
    default:
      return fail(`unknown host message type '${x.type}'`);
  }
}

/** Validates a message the host received from the page. */
export function parsePageMessage(x: unknown): Parsed<PageMessage> {
  if (!isObj(x) || !isStr(x.type)) return fail("message is not an object with a string 'type'");
  switch (x.type) {
    case "webview/ready":
      return ok({ type: "webview/ready" });
    case "webview/error":
      return isStr(x.message) ? ok({ type: "webview/error", message: x.message }) : fail("webview/error: bad 'message'");
    default:
      break;
  }
  if (!hasId(x)) return fail(`${x.type}: missing 'id'`);
  switch (x.type) {
    case "cell/accept":
      return isStr(x.code) ? ok({ type: "cell/accept", id: x.id, code: x.code }) : fail("cell/accept: bad 'code'");
    case "cell/reject":
      return ok({ type: "cell/reject", id: x.id });
    case "cell/fix":
      return isStr(x.feedback)
        ? ok({ type: "cell/fix", id: x.id, feedback: x.feedback })
        : fail("cell/fix: bad 'feedback'");
    case "cell/result":
      return isSummary(x.summary)
        ? ok({ type: "cell/result", id: x.id, summary: x.summary })
        : fail("cell/result: bad 'summary'");
    default:
      return fail(`unknown page message type '${x.type}'`);
  }
}
