/**
 * Messages between the extension host and the panel page (the webview): valibot schemas, with the
 * TypeScript types inferred from them so each message is defined once. The extension imports this file
 * too: every message crossing the boundary is parsed with `parseHostMessage` (page side) or
 * `parsePageMessage` (host side) before it is acted on. Sizes are bounded so that a huge message is refused
 * with a clear error instead of freezing the page or the host.
 */

import * as v from "valibot";

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

export const RunStatusSchema = v.picklist(["ok", "error", "stopped", "failed"]);
export type RunStatus = v.InferOutput<typeof RunStatusSchema>;

/** What a run produced, summarised for the host (images and HTML are counted, not sent). */
export const OutputsSummarySchema = v.object({
  status: RunStatusSchema,
  stdout: text(maxSummaryText, "stdout"),
  stderr: text(maxSummaryText, "stderr"),
  repr: v.nullable(text(maxSummaryText, "repr")),
  error: v.nullable(text(maxSummaryText, "error")),
  images: count,
  html: v.boolean(),
  elapsedMs: count,
});
export type OutputsSummary = v.InferOutput<typeof OutputsSummarySchema>;

/** Host -> page. */
export const HostMessageSchema = v.variant("type", [
  v.object({
    type: v.literal("cell/add"),
    id,
    prompt: text(maxCodeLength, "prompt"),
    code: text(maxCodeLength, "code"),
    findings: v.pipe(v.array(FindingSchema), v.maxLength(1000, "more than 1000 findings"), v.readonly()),
    dataFiles: v.pipe(v.array(DataFileSchema), v.maxLength(maxDataFiles, `more than ${maxDataFiles} data files`), v.readonly()),
  }),
  v.object({ type: v.literal("cell/run"), id }),
  v.object({ type: v.literal("cell/stop"), id }),
]);
export type HostMessage = v.InferOutput<typeof HostMessageSchema>;

/** Page -> host. */
export const PageMessageSchema = v.variant("type", [
  v.object({ type: v.literal("webview/ready") }),
  v.object({ type: v.literal("webview/error"), message: text(maxText, "message") }),
  v.object({ type: v.literal("cell/accept"), id, code: text(maxCodeLength, "code") }),
  v.object({ type: v.literal("cell/reject"), id }),
  v.object({ type: v.literal("cell/fix"), id, feedback: text(maxFeedbackLength, "feedback") }),
  v.object({ type: v.literal("cell/result"), id, summary: OutputsSummarySchema }),
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
