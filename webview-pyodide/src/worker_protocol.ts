/**
 * Messages between the panel page and its Pyodide worker. The worker runs untrusted Python, so the page
 * treats everything it receives from the worker as hostile input: `parseWorkerMessage` validates it, and
 * nothing the worker sends can become a host message by itself.
 */

import { type DataFile, type Parsed, fail, isDataFile, isNum, isObj, isStr, ok } from "./protocol";

export type ImageMime = "image/png" | "image/svg+xml";

export interface ImageOutput {
  readonly name: string;
  readonly mime: ImageMime;
  readonly base64: string;
}

export interface WorkerRunResult {
  readonly status: "ok" | "error";
  readonly repr: string | null;
  readonly html: string | null;
  readonly error: string | null;
  readonly images: readonly ImageOutput[];
  readonly elapsedMs: number;
}

/**
 * The Pyodide runtime files, fetched by the page and handed to the worker as Blobs. In VS Code the webview's
 * service worker serves resources only to documents (a worker's requests carry no webview id and time out), so
 * the worker never fetches them itself. Pyodide's JavaScript (pyodide.mjs, pyodide.asm.mjs) is bundled into
 * worker.js, so the worker imports nothing at run time.
 */
export const pyodideFileNames = ["pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"] as const;
export type PyodideFiles = { readonly [name in (typeof pyodideFileNames)[number]]: Blob };

function isPyodideFiles(x: unknown): x is PyodideFiles {
  return isObj(x) && pyodideFileNames.every((name) => x[name] instanceof Blob);
}

/** Page -> worker. */
export type PageToWorker =
  | { readonly type: "init"; readonly indexURL: string; readonly files: PyodideFiles }
  | { readonly type: "run"; readonly runId: number; readonly code: string; readonly dataFiles: readonly DataFile[] };

/** Worker -> page. */
export type WorkerToPage =
  | { readonly type: "ready"; readonly loadMs: number }
  | { readonly type: "init-error"; readonly message: string }
  | { readonly type: "stream"; readonly runId: number; readonly stream: "stdout" | "stderr"; readonly text: string }
  | { readonly type: "done"; readonly runId: number; readonly result: WorkerRunResult }
  | { readonly type: "csp-violation"; readonly message: string };

function isImage(x: unknown): x is ImageOutput {
  return (
    isObj(x) &&
    isStr(x.name) &&
    (x.mime === "image/png" || x.mime === "image/svg+xml") &&
    isStr(x.base64) &&
    /^[A-Za-z0-9+/]*={0,2}$/.test(x.base64)
  );
}

function isRunResult(x: unknown): x is WorkerRunResult {
  return (
    isObj(x) &&
    (x.status === "ok" || x.status === "error") &&
    (x.repr === null || isStr(x.repr)) &&
    (x.html === null || isStr(x.html)) &&
    (x.error === null || isStr(x.error)) &&
    Array.isArray(x.images) &&
    x.images.every(isImage) &&
    isNum(x.elapsedMs)
  );
}

/** Validates a message the worker received from the page. */
export function parsePageToWorker(x: unknown): Parsed<PageToWorker> {
  if (!isObj(x) || !isStr(x.type)) return fail("not a message");
  if (x.type === "init")
    return isStr(x.indexURL) && isPyodideFiles(x.files) ? ok({ type: "init", indexURL: x.indexURL, files: x.files }) : fail("init: bad fields");
  if (x.type === "run") {
    if (!isNum(x.runId) || !isStr(x.code) || !Array.isArray(x.dataFiles) || !x.dataFiles.every(isDataFile))
      return fail("run: bad fields");
    return ok({ type: "run", runId: x.runId, code: x.code, dataFiles: x.dataFiles.filter(isDataFile) });
  }
  return fail(`unknown type '${x.type}'`);
}

/** Validates a message the page received from the worker (untrusted). */
export function parseWorkerMessage(x: unknown): Parsed<WorkerToPage> {
  if (!isObj(x) || !isStr(x.type)) return fail("not a message");
  switch (x.type) {
    case "ready":
      return isNum(x.loadMs) ? ok({ type: "ready", loadMs: x.loadMs }) : fail("ready: bad loadMs");
    case "init-error":
      return isStr(x.message) ? ok({ type: "init-error", message: x.message }) : fail("init-error: bad message");
    case "csp-violation":
      return isStr(x.message) ? ok({ type: "csp-violation", message: x.message }) : fail("csp-violation: bad message");
    case "stream":
      return isNum(x.runId) && (x.stream === "stdout" || x.stream === "stderr") && isStr(x.text)
        ? ok({ type: "stream", runId: x.runId, stream: x.stream, text: x.text })
        : fail("stream: bad fields");
    case "done":
      return isNum(x.runId) && isRunResult(x.result)
        ? ok({ type: "done", runId: x.runId, result: x.result })
        : fail("done: bad fields");
    default:
      return fail(`unknown worker message type '${x.type}'`);
  }
}
