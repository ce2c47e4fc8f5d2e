/**
 * The Pyodide worker. The page fetches this bundle as text and starts it from a Blob URL as a module
 * worker; it loads Pyodide from the absolute assets URL it receives in `init`, then runs cells one at a
 * time, streaming stdout/stderr (partial lines included) and answering with a `done` result. It has no
 * access to the VS Code API; the page validates everything it posts.
 */

import { loadPyodide } from "pyodide";
import createPyodideModule from "pyodide/pyodide.asm.mjs";
import contractSource from "../../contract/agentcode_contract.py";
import runnerSource from "./py/runner.py";
import { type DataFile, outputContract } from "./protocol";
import { type PageToWorker, type PyodideFiles, type WorkerRunResult, type WorkerToPage, parsePageToWorker } from "./worker_protocol";

interface WorkerScope {
  postMessage(message: WorkerToPage, transfer?: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent<unknown>) => void): void;
  addEventListener(type: "securitypolicyviolation", listener: (event: SecurityPolicyViolationEvent) => void): void;
}

type PyCallable = ((...args: unknown[]) => unknown) & { destroy?: () => void };

const scope = self as unknown as WorkerScope;
type PyodideInterface = Awaited<ReturnType<typeof loadPyodide>>;
let pyodide: PyodideInterface | undefined;
let runCell: PyCallable | undefined;
let mountData: PyCallable | undefined;
let currentRunId = -1;

function post(message: WorkerToPage, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

/**
 * Output is posted in batches, not per write: a flood of prints would otherwise post one message per line and
 * keep the page busy drawing them. A batch goes out when it is large or old; the rest before `done` (and before
 * the other stream's text, so the order of stdout and stderr is kept). Python runs synchronously, so there are no
 * timers here: the age is checked on each write.
 */
const batchChars = 64 * 1024;
const batchMs = 50;
const pending: Record<"stdout" | "stderr", string[]> = { stdout: [], stderr: [] };
const pendingChars: Record<"stdout" | "stderr", number> = { stdout: 0, stderr: 0 };
let lastFlush = 0;
let flushTimer: ReturnType<typeof setTimeout> | undefined;

function flushStream(stream: "stdout" | "stderr"): void {
  if (pending[stream].length === 0) return;
  const text = pending[stream].join("");
  pending[stream] = [];
  pendingChars[stream] = 0;
  post({ type: "stream", runId: currentRunId, stream, text });
}

function flushStreams(): void {
  flushStream("stdout");
  flushStream("stderr");
  lastFlush = performance.now();
}

function streamWriter(stream: "stdout" | "stderr"): { write: (buffer: Uint8Array) => number } {
  const decoder = new TextDecoder("utf-8");
  const other = stream === "stdout" ? "stderr" : "stdout";
  return {
    write(buffer: Uint8Array): number {
      const text = decoder.decode(buffer, { stream: true });
      if (text.length === 0) return buffer.length;
      flushStream(other);
      pending[stream].push(text);
      pendingChars[stream] += text.length;
      const now = performance.now();
      if (pendingChars[stream] >= batchChars || now - lastFlush >= batchMs) {
        flushStream(stream);
        lastFlush = now;
      } else if (flushTimer === undefined) {
        // While a cell awaits (top-level await), timers run: what it printed before shows without waiting for more.
        flushTimer = setTimeout(() => {
          flushTimer = undefined;
          flushStreams();
        }, batchMs);
      }
      return buffer.length;
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type LoadOptions = NonNullable<Parameters<typeof loadPyodide>[0]>;

/**
 * Loads Pyodide with Pyodide's own fetches of the wasm and the standard library answered from the
 * page-provided Blobs. With `snapshot`, the interpreter's memory is restored from the first worker's memory
 * snapshot instead of booting Python and importing the runner again.
 */
async function load(indexURL: string, files: PyodideFiles, extra: Partial<LoadOptions>): Promise<PyodideInterface> {
  const served = new Map<string, { blob: Blob; type: string }>([
    [new URL(`${indexURL}pyodide.asm.wasm`, self.location.href).href, { blob: files["pyodide.asm.wasm"], type: "application/wasm" }],
    [new URL(`${indexURL}python_stdlib.zip`, self.location.href).href, { blob: files["python_stdlib.zip"], type: "application/zip" }],
  ]);
  const realFetch = self.fetch;
  self.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const file = served.get(String(input instanceof Request ? input.url : input));
    return file ? Promise.resolve(new Response(file.blob, { headers: { "content-type": file.type } })) : realFetch(input, init);
  };
  try {
    const options: LoadOptions = {
      indexURL,
      packageBaseUrl: indexURL,
      lockFileContents: await files["pyodide-lock.json"].text(),
      createPyodideModule: createPyodideModule as LoadOptions["createPyodideModule"],
      ...extra,
    };
    return await loadPyodide(options);
  } finally {
    self.fetch = realFetch;
  }
}

async function init(indexURL: string, files: PyodideFiles, snapshot: ArrayBuffer | null, makeSnapshot: boolean): Promise<void> {
  const started = performance.now();
  try {
    let py: PyodideInterface | undefined;
    let fromSnapshot = false;
    if (snapshot !== null) {
      try {
        py = await load(indexURL, files, { _loadSnapshot: new Uint8Array(snapshot) });
        fromSnapshot = true;
      } catch {
        py = undefined; // an unusable snapshot only costs time: boot normally below
      }
    }
    if (py === undefined) {
      py = await load(indexURL, files, makeSnapshot ? { _makeSnapshot: true } : {});
      // The runner imports only the standard library and touches no JavaScript objects, so it can be part of
      // the snapshot; no user code has run yet, so the snapshot carries nothing from a cell.
      py.runPython(runnerSource, { filename: "/lib/agentcode_runner.py" });
      // The output contract shared with the server sandbox: the display API, /output and the caps.
      (py.globals.get("install_contract") as PyCallable)(contractSource, JSON.stringify(outputContract));
      if (makeSnapshot) {
        try {
          const bytes = py.makeMemorySnapshot();
          const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
          post({ type: "snapshot", bytes: buffer }, [buffer]);
        } catch {
          // Without a snapshot later workers boot Python themselves: slower restarts, nothing else lost.
        }
      }
    }
    py.setStdout(streamWriter("stdout"));
    py.setStderr(streamWriter("stderr"));
    // The npm package ships no wheels, so no package can be loaded: never let Pyodide try (that would be a
    // network request); the runner explains instead. Kept out of the snapshot: it is cheap and per worker.
    (py.globals.get("install_package_guard") as PyCallable)(JSON.stringify(unavailableImports(await files["pyodide-lock.json"].text())));
    runCell = py.globals.get("run_cell") as PyCallable;
    mountData = py.globals.get("mount_data") as PyCallable;
    pyodide = py;
    post({ type: "ready", loadMs: performance.now() - started, fromSnapshot });
  } catch (error) {
    post({ type: "init-error", message: `Python could not start: ${describe(error)}` });
  }
}

/** Import names of every package in Pyodide's lock file: none of their wheels is in the panel's files. */
function unavailableImports(lockText: string): string[] {
  const lock = JSON.parse(lockText) as { packages?: Record<string, { imports?: unknown }> };
  const names = new Set<string>();
  for (const entry of Object.values(lock.packages ?? {})) {
    if (Array.isArray(entry.imports)) for (const name of entry.imports) if (typeof name === "string") names.add(name);
  }
  return [...names];
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function run(runId: number, code: string, dataFiles: readonly DataFile[]): Promise<void> {
  const started = performance.now();
  currentRunId = runId;
  lastFlush = performance.now();
  const py = pyodide;
  if (py === undefined || runCell === undefined || mountData === undefined) {
    post({ type: "done", runId, result: failure("Python is not ready yet.", started) });
    return;
  }
  try {
    const files = py.toPy(dataFiles.map((file) => [file.name, decodeBase64(file.base64)]));
    mountData(files);
    // run_cell is a coroutine (cells may use top-level await): calling it gives a Promise.
    let json: unknown;
    try {
      json = await (runCell(code) as Promise<unknown>);
    } finally {
      flushStreams();
    }
    const parsed = JSON.parse(String(json)) as Omit<WorkerRunResult, "elapsedMs">;
    post({ type: "done", runId, result: { ...parsed, elapsedMs: performance.now() - started } });
  } catch (error) {
    flushStreams();
    post({ type: "done", runId, result: failure(`The run failed: ${describe(error)}`, started) });
  }
}

function failure(message: string, started: number): WorkerRunResult {
  return { status: "error", error: message, outputs: [], outputLimit: null, elapsedMs: performance.now() - started };
}

scope.addEventListener("securitypolicyviolation", (event) => {
  post({ type: "csp-violation", message: `Blocked by the panel's security policy: ${event.effectiveDirective} ${event.blockedURI}` });
});

let queue: Promise<void> = Promise.resolve();
scope.addEventListener("message", (event) => {
  const parsed = parsePageToWorker(event.data);
  if (!parsed.ok) return;
  const message: PageToWorker = parsed.value;
  queue = queue.then(() => (message.type === "init" ? init(message.indexURL, message.files, message.snapshot, message.makeSnapshot) : run(message.runId, message.code, message.dataFiles)));
});
