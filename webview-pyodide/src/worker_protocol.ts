/**
 * Messages between the panel page and its Pyodide worker: valibot schemas with the types inferred from them.
 * The worker runs untrusted Python, so the page treats everything it receives from the worker as hostile
 * input: `parseWorkerMessage` validates it, and nothing the worker sends can become a host message by itself.
 */

import * as v from "valibot";
import {
  DataFileSchema,
  OutputListSchema,
  PackageFileNameSchema,
  type Parsed,
  maxCodeLength,
  maxDataFiles,
  maxInstalledPackages,
  parseWith,
} from "./protocol";

/** Largest stream chunk or traceback from the worker, in characters. */
const maxWorkerText = 16 * 1024 * 1024;

const runId = v.pipe(v.number(), v.integer(), v.minValue(0));
const ms = v.pipe(v.number(), v.finite(), v.minValue(0));
const text = v.pipe(v.string(), v.maxLength(maxWorkerText, `text is longer than ${maxWorkerText} characters`));
/** The size of the worker's WebAssembly memory, in bytes: what a hidden panel weighs against its memory budget. */
const heapBytes = v.pipe(v.number(), v.integer(), v.minValue(0));

export const WorkerRunResultSchema = v.object({
  status: v.picklist(["ok", "error"]),
  error: v.nullable(text),
  /** What the cell displayed, then the files it wrote under /output (the output contract). */
  outputs: OutputListSchema,
  /** The sentence naming the output cap the cell passed, if it passed one. */
  outputLimit: v.nullable(text),
  elapsedMs: ms,
});
export type WorkerRunResult = v.InferOutput<typeof WorkerRunResultSchema>;

/**
 * The Pyodide runtime files, fetched by the page and handed to the worker. In VS Code the webview's service worker
 * serves resources only to documents (a worker's requests carry no webview id and time out), so the worker never
 * fetches them itself. Pyodide's JavaScript (pyodide.mjs, pyodide.asm.mjs) is bundled into worker.js, so the worker
 * imports nothing at run time. The page compiles `pyodide.asm.wasm` once, while the other files (and a saved
 * snapshot) are still arriving, and every worker instantiates that compiled module: no worker compiles it again.
 * Keep in step with build.mjs.
 */
export const pyodideFileNames = ["pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"] as const;
const blob = v.instance(Blob);
export const PyodideFilesSchema = v.object({
  "pyodide.asm.wasm": v.instance(WebAssembly.Module),
  "python_stdlib.zip": blob,
  "pyodide-lock.json": blob,
});
export type PyodideFiles = v.InferOutput<typeof PyodideFilesSchema>;

/** Largest memory snapshot, in bytes (Pyodide's heap after start is far smaller). */
export const maxSnapshotBytes = 1024 * 1024 * 1024;
const snapshotBytes = v.pipe(
  v.instance(ArrayBuffer),
  v.check((buffer) => buffer.byteLength > 0 && buffer.byteLength <= maxSnapshotBytes, "snapshot size out of range"),
);

const indexURL = v.pipe(v.string(), v.url());
const announcedSnapshot = v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(maxSnapshotBytes)));

/**
 * How the first worker starts, given in its name (the Worker `name` option), so that it begins setting Pyodide up as
 * soon as its script is evaluated: Chromium delivers a message posted to a worker before then only once the page's
 * thread has heard that the script was evaluated, 50-100 ms later while that thread receives Pyodide's files. The page
 * sends such a worker no `init`: it is the `init` of a worker without files (they, and a saved snapshot, follow).
 */
export const WorkerStartSchema = v.object({ indexURL, snapshotFollows: announcedSnapshot, makeSnapshot: v.boolean() });
export type WorkerStart = v.InferOutput<typeof WorkerStartSchema>;
const workerNamePrefix = "agentcode-pyodide";

/** The name of a worker: with a start, the first worker's; without, that of a worker the page sends `init`. */
export function workerName(start?: WorkerStart): string {
  return start === undefined ? workerNamePrefix : `${workerNamePrefix} ${JSON.stringify(start)}`;
}

/** The start a worker's name gives, if any (a name that is not one of ours gives none). */
export function parseWorkerName(name: string): WorkerStart | undefined {
  if (!name.startsWith(`${workerNamePrefix} `)) return undefined;
  try {
    const parsed = parseWith(WorkerStartSchema, JSON.parse(name.slice(workerNamePrefix.length + 1)));
    return parsed.ok ? parsed.value : undefined;
  } catch {
    return undefined;
  }
}

/** Page -> worker. */
export const PageToWorkerSchema = v.variant("type", [
  v.object({
    type: v.literal("init"),
    indexURL,
    /**
     * Pyodide's files, or null when the page is still fetching them: they follow in a `files` message, and the worker
     * sets up Pyodide's JavaScript meanwhile (the first worker starts before the files are here).
     */
    files: v.nullable(PyodideFilesSchema),
    /** The first worker's memory snapshot (a copy), or null to boot Python from scratch. */
    snapshot: v.nullable(snapshotBytes),
    /**
     * The size of a saved snapshot the page is still fetching and checking, or null: it follows in a `snapshot`
     * message (its bytes, or null when the page refused it). The worker prepares everything that does not need it
     * meanwhile.
     */
    snapshotFollows: announcedSnapshot,
    /** Whether this worker should make a snapshot and post it back before `ready` when it boots Python from scratch. */
    makeSnapshot: v.boolean(),
  }),
  /** The files an `init` without them waits for. */
  v.object({ type: v.literal("files"), files: PyodideFilesSchema }),
  /** The saved snapshot announced by `snapshotFollows`, checked by the page; null: refused, boot from scratch. */
  v.object({ type: v.literal("snapshot"), bytes: v.nullable(snapshotBytes) }),
  v.object({
    type: v.literal("run"),
    runId,
    code: v.pipe(v.string(), v.maxLength(maxCodeLength)),
    dataFiles: v.pipe(v.array(DataFileSchema), v.maxLength(maxDataFiles), v.readonly()),
    /** Lock names of the packages installed for the panel: the cell's imports among them are loaded before it runs. */
    packages: v.pipe(v.array(v.pipe(v.string(), v.maxLength(200))), v.maxLength(maxInstalledPackages), v.readonly()),
  }),
  /** The answer to a `package-file` request: the verified file, or why the page could not provide it. */
  v.object({
    type: v.literal("package-file"),
    fileName: PackageFileNameSchema,
    file: v.nullable(blob),
    error: v.nullable(v.pipe(v.string(), v.maxLength(20_000))),
  }),
]);
export type PageToWorker = v.InferOutput<typeof PageToWorkerSchema>;

/** Worker -> page. */
export const WorkerToPageSchema = v.variant("type", [
  v.object({ type: v.literal("ready"), loadMs: ms, fromSnapshot: v.boolean(), heapBytes }),
  /** Posted before `ready` by a worker asked to make a snapshot; the page accepts it only from a loading worker. */
  v.object({ type: v.literal("snapshot"), bytes: snapshotBytes }),
  v.object({ type: v.literal("init-error"), message: text }),
  v.object({ type: v.literal("stream"), runId, stream: v.picklist(["stdout", "stderr"]), text }),
  v.object({ type: v.literal("done"), runId, result: WorkerRunResultSchema, heapBytes }),
  v.object({ type: v.literal("csp-violation"), message: text }),
  /**
   * Pyodide in the worker asks for a package file it is loading. The page answers only for files of installed
   * packages, read from the panel's own package folder and checked against their SHA-256.
   */
  v.object({ type: v.literal("package-file"), fileName: PackageFileNameSchema }),
]);
export type WorkerToPage = v.InferOutput<typeof WorkerToPageSchema>;

/** Validates a message the worker received from the page. */
export function parsePageToWorker(x: unknown): Parsed<PageToWorker> {
  return parseWith(PageToWorkerSchema, x);
}

/** Validates a message the page received from the worker (untrusted). */
export function parseWorkerMessage(x: unknown): Parsed<WorkerToPage> {
  return parseWith(WorkerToPageSchema, x);
}
