/**
 * Messages between the extension host and the panel page (the webview): valibot schemas, with the
 * TypeScript types inferred from them so each message is defined once. The extension imports this file
 * too: every message crossing the boundary is parsed with `parseHostMessage` (page side) or
 * `parsePageMessage` (host side) before it is acted on. Sizes are bounded so that a huge message is refused
 * with a clear error instead of freezing the page or the host.
 */

import * as v from "valibot";
import contract from "../../contract/contract.json";

/** Largest code or prompt a cell may carry, in characters. */
export const maxCodeLength = 1_000_000;
/** Largest feedback text for "Ask to fix", in characters. */
export const maxFeedbackLength = 20_000;
/** Largest data file, in bytes (before base64). */
export const maxDataFileBytes = 10 * 1024 * 1024;
/** How many data files a cell may mount. */
export const maxDataFiles = 16;
/** Largest stdout/stderr a run summary carries, in characters; the page keeps the tail of longer output. */
export const maxSummaryText = 1_000_000;
/** Largest image a cell may show or save, in bytes (before base64). */
export const maxFigureBytes = 24 * 1024 * 1024;
/** Largest figure file name, in characters. */
export const maxFigureNameLength = 120;
/** Largest full output of one stream the page sends for "Open full output", in characters. */
export const maxFullOutputChars = 64 * 1024 * 1024;
/** Largest free-form text (ids, messages, rule ids), in characters. */
const maxText = 20_000;

/** Base64 text (standard alphabet, padded) of at most `maxBytes` bytes once decoded. */
export function base64(maxBytes: number, what: string) {
  return v.pipe(
    v.string(),
    v.maxLength(Math.ceil(maxBytes / 3) * 4, `${what} is larger than ${maxBytes} bytes`),
    v.regex(/^[A-Za-z0-9+/]*={0,2}$/, `${what} is not base64`),
  );
}

const text = (max: number, what: string) => v.pipe(v.string(), v.maxLength(max, `${what} is longer than ${max} characters`));
const id = v.pipe(v.string(), v.minLength(1, "id is empty"), v.maxLength(200, "id is longer than 200 characters"));
const count = v.pipe(v.number(), v.finite(), v.minValue(0));

export const SeveritySchema = v.picklist(["error", "warning", "info"]);
export type Severity = v.InferOutput<typeof SeveritySchema>;

/** A checker finding shown under a cell; `line` is 0-based like LSP ranges. */
export const FindingSchema = v.object({
  ruleId: text(200, "ruleId"),
  severity: SeveritySchema,
  message: text(maxText, "finding message"),
  line: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
export type Finding = v.InferOutput<typeof FindingSchema>;

/** A data file mounted read-only at `/data/<name>` while the cell runs: a plain file name, no folders. */
export const DataFileSchema = v.object({
  name: v.pipe(
    v.string(),
    v.minLength(1, "data file name is empty"),
    v.maxLength(255, "data file name is longer than 255 characters"),
    v.check((name) => !name.includes("/") && name !== "." && name !== "..", "data file name must be a plain file name"),
  ),
  base64: base64(maxDataFileBytes, "data file"),
});
export type DataFile = v.InferOutput<typeof DataFileSchema>;

export const FigureMimeSchema = v.picklist(["image/png", "image/svg+xml"]);
export type FigureMime = v.InferOutput<typeof FigureMimeSchema>;

/** A picture the user asked to save: a safe file name, its type, and its bytes as base64. */
export interface Figure {
  readonly name: string;
  readonly mime: FigureMime;
  readonly base64: string;
}

/** The file extension a figure of this type is saved with. */
export function figureExtension(mime: FigureMime): ".png" | ".svg" {
  return mime === "image/png" ? ".png" : ".svg";
}

/**
 * A figure name the host may use as a file name on any OS: letters, digits, `_`, `-`, `.`, starting with a letter
 * or digit, no `..`, ending in the extension of its type. Checked by the schema, so the host never sees a path.
 */
export function isSafeFigureName(name: string, mime: FigureMime): boolean {
  return (
    name.length <= maxFigureNameLength &&
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) &&
    !name.includes("..") &&
    name.toLowerCase().endsWith(figureExtension(mime))
  );
}

/**
 * Turns the name of a file the code wrote to /output (anything Python allows) into a safe figure name: other
 * characters become `_`, runs of dots one dot, the stem is cut to fit and the extension is the type's own.
 */
export function safeFigureName(name: string, mime: FigureMime): string {
  const ext = figureExtension(mime);
  const base = name.split(/[\\/]/).pop() ?? "";
  const withoutExt = base.toLowerCase().endsWith(ext) ? base.slice(0, base.length - ext.length) : base;
  let stem = withoutExt
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/\.{2,}/g, ".")
    .replace(/^[._-]+/, "")
    .replace(/[.]+$/, "")
    .slice(0, maxFigureNameLength - ext.length)
    .replace(/[.]+$/, "");
  if (stem === "") stem = "figure";
  return `${stem}${ext}`;
}

/**
 * The output contract (contract/contract.json at the repository root), shared with the server sandbox and the
 * capability card: the MIME types a run may produce (richest first), how each is carried, and the caps.
 */
export const outputContract = contract;
export type OutputKind = "vega-lite" | "html" | "image" | "markdown" | "json" | "text" | "file";
export type OutputEncoding = "text" | "json" | "base64";

/** How an output of this MIME type is carried and what it is; undefined for a type outside the contract. */
export function outputType(mime: string): { readonly encoding: OutputEncoding; readonly kind: OutputKind } | undefined {
  if (mime === contract.otherFileMime) return { encoding: "base64", kind: "file" };
  const entry = contract.mimeTypes.find((t) => t.mime === mime);
  return entry === undefined ? undefined : { encoding: entry.encoding as OutputEncoding, kind: entry.kind as OutputKind };
}

/** Largest number of outputs of one run: every display() plus every file under /output. */
export const maxOutputs = contract.caps.displayCount + contract.caps.outputFiles;
/** Largest content of all outputs of one run, in characters (base64 and JSON escaping included). */
const maxOutputChars = Math.ceil((contract.caps.outputBytes * 4) / 3) + 1024 * 1024;

const outputName = v.pipe(
  v.string(),
  v.minLength(1, "output name is empty"),
  v.maxLength(255, "output name is longer than 255 characters"),
  v.check((name) => !name.startsWith("/") && name.split("/").every((part) => part !== "" && part !== "." && part !== ".."), "output name must be a relative path under /output"),
);

/** One output (contract/agentcode_contract.py): something displayed, or a file written under /output (`name`). */
export const OutputSchema = v.pipe(
  v.object({
    mime: v.pipe(v.string(), v.maxLength(200, "mime is longer than 200 characters")),
    text: v.optional(text(maxOutputChars, "output text")),
    base64: v.optional(base64(contract.caps.outputBytes, "output")),
    name: v.optional(outputName),
  }),
  v.check((o) => {
    const type = outputType(o.mime);
    if (type === undefined) return false;
    return type.encoding === "base64" ? o.base64 !== undefined && o.text === undefined : o.text !== undefined && o.base64 === undefined;
  }, "output must be a contract MIME type carried as its encoding (text, or base64 for binary types)"),
);
export type Output = v.InferOutput<typeof OutputSchema>;

/** The outputs of one run, in order, within the contract's caps. */
export const OutputListSchema = v.pipe(
  v.array(OutputSchema),
  v.maxLength(maxOutputs, `more than ${maxOutputs} outputs`),
  v.check((list) => list.reduce((sum, o) => sum + (o.text?.length ?? 0) + (o.base64?.length ?? 0), 0) <= maxOutputChars, "outputs are larger than the output cap"),
  v.readonly(),
);

export const RunStatusSchema = v.picklist(["ok", "error", "output-limit", "stopped", "failed"]);
export type RunStatus = v.InferOutput<typeof RunStatusSchema>;

/** What a run produced, for the host: streams, the error, and every output (for the notebook and the run record). */
export const OutputsSummarySchema = v.object({
  status: RunStatusSchema,
  stdout: text(maxSummaryText, "stdout"),
  stderr: text(maxSummaryText, "stderr"),
  error: v.nullable(text(maxSummaryText, "error")),
  /** The sentence naming the output cap that was passed, for status output-limit. */
  outputLimit: v.optional(v.nullable(text(maxText, "outputLimit"))),
  outputs: OutputListSchema,
  elapsedMs: count,
});
export type OutputsSummary = v.InferOutput<typeof OutputsSummarySchema>;

/** Most attempts a generation may show in its cell (the server allows at most 10). */
export const maxAttempts = 10;

export const ServerRunStatusSchema = v.picklist(["ok", "error", "timeout", "memory", "output-limit", "skipped"]);
export type ServerRunStatus = v.InferOutput<typeof ServerRunStatusSchema>;

/** The server's trial run of one attempt's code (WASI CPython under Wasmtime): its status, streams, error and outputs. */
export const ServerRunSchema = v.object({
  status: ServerRunStatusSchema,
  stdout: text(maxSummaryText, "stdout"),
  stderr: text(maxSummaryText, "stderr"),
  /** The traceback (or "Type: message") of a Python error, or the sandbox's sentence for a timeout or a cap. */
  error: v.nullable(text(maxSummaryText, "error")),
  outputs: OutputListSchema,
  elapsedMs: count,
});
export type ServerRun = v.InferOutput<typeof ServerRunSchema>;

/**
 * One attempt of a generation as the cell shows it: its code (the cell diffs it against the previous attempt's), the
 * checker's findings, the trial run (none when the check blocked it), and why it went back to the model (none for
 * the attempt that passed).
 */
export const AttemptSchema = v.object({
  attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
  code: v.nullable(text(maxCodeLength, "attempt code")),
  findings: v.pipe(v.array(FindingSchema), v.maxLength(1000, "more than 1000 findings"), v.readonly()),
  run: v.nullable(ServerRunSchema),
  error: v.nullable(v.object({ kind: text(200, "error kind"), message: text(maxText, "error message") })),
});
export type Attempt = v.InferOutput<typeof AttemptSchema>;

/** What the server said of the cell's code: it passed its check and trial run, it did not, or it never saw it. */
export const ServerVerdictSchema = v.picklist(["passed", "failed", "none"]);
export type ServerVerdict = v.InferOutput<typeof ServerVerdictSchema>;

/** Most /data paths a capability summary names (the server names at most 50). */
export const maxCapabilityReads = 50;

/**
 * What the code will touch, from the server's checker (shown in the cell before it runs): the paths under /data it
 * names, whether it names /output (where a run's files go), and the top-level modules it imports.
 */
export const CapabilitiesSchema = v.object({
  reads: v.pipe(v.array(text(4096, "data path")), v.maxLength(maxCapabilityReads, `more than ${maxCapabilityReads} data paths`), v.readonly()),
  writesOutput: v.boolean(),
  imports: v.pipe(
    v.array(v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]{0,199}$/, "import must be a Python module name"))),
    v.maxLength(1000, "more than 1000 imports"),
    v.readonly(),
  ),
});
export type Capabilities = v.InferOutput<typeof CapabilitiesSchema>;

/**
 * The capability summary as one line, the same in the panel's cells and the agent tool's confirmation:
 * "Reads /data/sales.csv · writes /output · imports csv, json · no findings".
 */
export function capabilityLine(capabilities: Capabilities, findings: readonly Pick<Finding, "severity">[]): string {
  const parts: string[] = [];
  parts.push(capabilities.reads.length === 0 ? "Reads no /data files" : `Reads ${capabilities.reads.join(", ")}`);
  parts.push(capabilities.writesOutput ? "writes /output" : "writes nothing to /output");
  parts.push(capabilities.imports.length === 0 ? "imports nothing" : `imports ${capabilities.imports.join(", ")}`);
  const blocking = findings.filter((f) => f.severity === "error").length;
  parts.push(findings.length === 0 ? "no findings" : `${findings.length} finding${findings.length === 1 ? "" : "s"}${blocking > 0 ? ` (${blocking} blocking)` : ""}`);
  return parts.join(" · ");
}

const findingList = v.pipe(v.array(FindingSchema), v.maxLength(1000, "more than 1000 findings"), v.readonly());

/** Largest number of packages installed for the panel (pandas with matplotlib needs about 15). */
export const maxInstalledPackages = 1000;

/** A wheel file name from Pyodide's lock: a plain file name, no folders. */
export const PackageFileNameSchema = v.pipe(
  v.string(),
  v.maxLength(255, "package file name is longer than 255 characters"),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, "package file name must be a plain file name"),
  v.check((name) => !name.includes(".."), "package file name must be a plain file name"),
);

/** One package installed for the panel: its lock name, its file in the package folder and the file's SHA-256. */
export const InstalledPackageSchema = v.object({
  name: v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, "package name must be a plain package name")),
  fileName: PackageFileNameSchema,
  sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lower-case hex digits")),
});
export type InstalledPackage = v.InferOutput<typeof InstalledPackageSchema>;

/** Host -> page. */
export const HostMessageSchema = v.variant("type", [
  v.object({
    type: v.literal("cell/add"),
    id,
    prompt: text(maxCodeLength, "prompt"),
    code: text(maxCodeLength, "code"),
    findings: v.pipe(v.array(FindingSchema), v.maxLength(1000, "more than 1000 findings"), v.readonly()),
    dataFiles: v.pipe(v.array(DataFileSchema), v.maxLength(maxDataFiles, `more than ${maxDataFiles} data files`), v.readonly()),
    /** The generation's attempts, oldest first; empty for code the server did not generate. */
    attempts: v.optional(v.pipe(v.array(AttemptSchema), v.maxLength(maxAttempts, `more than ${maxAttempts} attempts`), v.readonly()), []),
    server: v.optional(ServerVerdictSchema, "none"),
    /** What the code will touch, from the server's check; null when there is none (the check did not run or parse). */
    capabilities: v.optional(v.nullable(CapabilitiesSchema), null),
  }),
  /**
   * The server's check of code the user edited in the cell (the answer to `cell/check`): `code` is the code that was
   * checked, which the cell may have changed again since.
   */
  v.object({
    type: v.literal("cell/checked"),
    id,
    code: text(maxCodeLength, "code"),
    findings: findingList,
    blocking: v.boolean(),
    capabilities: v.nullable(CapabilitiesSchema),
  }),
  /** The server could not check the edited code (it is not running, or the request failed): the sentence says why. */
  v.object({ type: v.literal("cell/checkFailed"), id, message: text(maxText, "message") }),
  v.object({ type: v.literal("cell/run"), id }),
  v.object({ type: v.literal("cell/stop"), id }),
  /** The user did not apply the accepted code (dismissed the choice or the preview): the cell is undecided again. */
  v.object({ type: v.literal("cell/acceptCancelled"), id }),
  /**
   * A generation in progress (sent from its start, at most a few times a second): its prompt, the current attempt and
   * phase, the characters of the model's reply received so far, and the attempts already sent back to the model.
   */
  v.object({
    type: v.literal("generation/progress"),
    id,
    prompt: text(maxCodeLength, "prompt"),
    attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
    phase: text(500, "phase"),
    received: v.pipe(v.number(), v.integer(), v.minValue(0)),
    attempts: v.pipe(v.array(AttemptSchema), v.maxLength(maxAttempts, `more than ${maxAttempts} attempts`), v.readonly()),
  }),
  /** The generation ended (its cell follows, or it failed or was cancelled): its progress block goes. */
  v.object({ type: v.literal("generation/end"), id }),
  /** The panel was hidden or shown: a hidden panel keeps its interpreters only within its memory budget. */
  v.object({ type: v.literal("panel/visibility"), visible: v.boolean() }),
  /**
   * The packages installed for the panel, sent before any cell and again after each install or removal: `base` is
   * the package folder as a webview resource URL (the panel's own origin), where the page reads their files.
   */
  v.object({
    type: v.literal("packages/installed"),
    base: v.pipe(v.string(), v.maxLength(4000, "base is longer than 4000 characters"), v.url("base must be a URL")),
    packages: v.pipe(v.array(InstalledPackageSchema), v.maxLength(maxInstalledPackages, `more than ${maxInstalledPackages} packages`), v.readonly()),
  }),
]);
export type HostMessage = v.InferOutput<typeof HostMessageSchema>;

/** Largest memory snapshot the page offers the host, in bytes (Pyodide's heap after start is far smaller). */
export const maxSnapshotBytes = 512 * 1024 * 1024;
const snapshotKey = v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]{1,200}$/, "snapshot key must be letters, digits, '.', '_' or '-'"));

/** Page -> host. */
export const PageMessageSchema = v.variant("type", [
  /**
   * The interpreter's memory snapshot, made by the page's first worker before any cell ran, for the host to keep for
   * later sessions under `key` (the key the host gave the page), in its sparse stored form (sparse_snapshot.ts: the
   * non-zero pages and a page map; the host reads the unpacked size from it and refuses a malformed one).
   */
  v.object({
    type: v.literal("snapshot/save"),
    key: snapshotKey,
    bytes: v.pipe(
      v.instance(ArrayBuffer),
      v.check((b) => b.byteLength > 0 && b.byteLength <= maxSnapshotBytes, `snapshot must be 1 to ${maxSnapshotBytes} bytes`),
    ),
  }),
  /** The saved snapshot the host offered could not be used (size, hash, or Python could not start from it). */
  v.object({ type: v.literal("snapshot/rejected"), key: snapshotKey, reason: text(maxText, "reason") }),
  v.object({ type: v.literal("webview/ready") }),
  v.object({ type: v.literal("webview/error"), message: text(maxText, "message") }),
  v.object({ type: v.literal("cell/accept"), id, code: text(maxCodeLength, "code") }),
  v.object({ type: v.literal("cell/reject"), id }),
  v.object({ type: v.literal("cell/fix"), id, feedback: text(maxFeedbackLength, "feedback") }),
  /** Check: the user edited the cell's code and asks the server to check it again (answered by `cell/checked`). */
  v.object({ type: v.literal("cell/check"), id, code: text(maxCodeLength, "code") }),
  /** A run's result; `code` is the code that ran (the user may have edited it in the cell; absent from older pages). */
  v.object({ type: v.literal("cell/result"), id, summary: OutputsSummarySchema, code: v.optional(text(maxCodeLength, "code")) }),
  /** "Open full output": the whole stream of the cell's last run, to open in an editor (the cell shows head and tail). */
  v.object({ type: v.literal("cell/openOutput"), id, stream: v.picklist(["stdout", "stderr"]), text: text(maxFullOutputChars, "full output") }),
  v.pipe(
    v.object({
      type: v.literal("cell/saveFigure"),
      id,
      name: v.pipe(v.string(), v.minLength(1, "figure name is empty"), v.maxLength(maxFigureNameLength, `figure name is longer than ${maxFigureNameLength} characters`)),
      mime: FigureMimeSchema,
      base64: base64(maxFigureBytes, "figure"),
    }),
    v.forward(
      v.check((m) => isSafeFigureName(m.name, m.mime), "figure name must be a plain file name (letters, digits, '.', '_', '-') ending in the type's extension"),
      ["name"],
    ),
  ),
]);
export type PageMessage = v.InferOutput<typeof PageMessageSchema>;

export type HostMessageType = HostMessage["type"];
export type PageMessageType = PageMessage["type"];

/** Every method name, for documentation checks (taken from the schemas, so they cannot drift). */
export const hostMessageTypes: readonly HostMessageType[] = HostMessageSchema.options.map((o) => o.entries.type.literal);
export const pageMessageTypes: readonly PageMessageType[] = PageMessageSchema.options.map((o) => o.entries.type.literal);

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

type AnySchema = v.GenericSchema<unknown, unknown>;

/**
 * Parses `input` with `schema` into a result value. The error is one readable sentence naming the message
 * type (when there is one) and the first problem with its field path, e.g. "cell/add: code: code is longer
 * than 1000000 characters".
 */
export function parseWith<S extends AnySchema>(schema: S, input: unknown): Parsed<v.InferOutput<S>> {
  const result = v.safeParse(schema, input);
  if (result.success) return { ok: true, value: result.output };
  const type =
    typeof input === "object" && input !== null && "type" in input && typeof input.type === "string"
      ? input.type.slice(0, 100)
      : undefined;
  if (type === undefined) return { ok: false, error: "message is not an object with a string 'type'" };
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  if (issue.kind === "schema" && path === "type") return { ok: false, error: `unknown message type '${type}'` };
  if (issue.input === undefined && path !== null) return { ok: false, error: `${type}: missing '${path}'` };
  return { ok: false, error: `${type}: ${path === null ? "" : `${path}: `}${issue.message}` };
}

/** Validates a message the page received from the host. */
export function parseHostMessage(x: unknown): Parsed<HostMessage> {
  return parseWith(HostMessageSchema, x);
}

/** Validates a message the host received from the page. */
export function parsePageMessage(x: unknown): Parsed<PageMessage> {
  return parseWith(PageMessageSchema, x);
}
