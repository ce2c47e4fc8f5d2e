/**
 * The Pyodide worker. The page fetches this bundle as text and starts it from a Blob URL as a module
 * worker; it loads Pyodide from the absolute assets URL it receives in `init`, then runs cells one at a
 * time, streaming stdout/stderr (partial lines included) and answering with a `done` result. Before a cell runs,
 * the installed packages it imports are loaded with Pyodide's own loadPackage (dependencies, shared libraries), whose
 * file requests the page answers (see installPackageFetch). It has no access to the VS Code API; the page validates
 * everything it posts.
 */

import { loadPyodide } from "pyodide";
import createPyodideModule from "pyodide/pyodide.asm.mjs";
import contractSource from "../../contract/agentcode_contract.py";
import runnerSource from "./py/runner.py";
import { type DataFile, outputContract } from "./protocol";
import { type PageToWorker, type PyodideFiles, type WorkerRunResult, type WorkerToPage, maxSnapshotBytes, parsePageToWorker, parseWorkerName } from "./worker_protocol";

interface WorkerScope {
  readonly name: string;
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
/** What Pyodide's lock says of its packages: which package provides an import, and every package file name. */
let lockIndex: LockIndex = { packageOfImport: new Map(), importsOf: new Map(), dependsOf: new Map(), fileNames: new Set() };
/** The installed package names the package guard was last set up for (sorted, joined). */
let guardKey = "";

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
type CreateModule = (settings: object) => Promise<unknown>;

/** How a worker starts Python: from scratch, or by restoring a memory snapshot (given, or still on its way). */
type Boot =
  | { kind: "fresh"; makeSnapshot: boolean }
  | { kind: "restore"; snapshot: ArrayBuffer }
  /** A saved snapshot of `bytes` bytes, still being fetched and checked by the page (null: the page refused it). */
  | { kind: "restore-arriving"; bytes: number; snapshot: Promise<ArrayBuffer | null> };

/** The page refused the saved snapshot it had announced: the worker boots Python from scratch instead. */
class SnapshotRefused extends Error {}

/**
 * WebAssembly.Module, except that a small module compiled twice from the same bytes is compiled once. While Pyodide
 * starts, Emscripten's dynamic linker puts each of about 260 JavaScript functions into the function table by
 * compiling a one-function module for it (convertJsFunctionToWasm: the bytes depend only on the signature) and
 * instantiating it with the function as its import; there are 29 distinct signatures. A compiled module is immutable
 * and each instance still gets its own import, so sharing it changes nothing but the time (about 30 ms of the start).
 */
function sharingSmallModules(real: typeof WebAssembly.Module): typeof WebAssembly.Module {
  const compiled = new Map<string, WebAssembly.Module>();
  return new Proxy(real, {
    construct(target, args: [BufferSource]) {
      const bytes = args[0];
      if (!(bytes instanceof Uint8Array) || bytes.byteLength > 64) return Reflect.construct(target, args) as WebAssembly.Module;
      const key = bytes.join(",");
      let module = compiled.get(key);
      if (module === undefined) compiled.set(key, (module = Reflect.construct(target, args) as WebAssembly.Module));
      return module;
    },
  });
}

/**
 * Loads Pyodide from the page-provided files: its WebAssembly is the module the page compiled (instantiated here,
 * never compiled again), and its fetch of the standard library is answered from the page's Blob. With a snapshot to
 * restore, the interpreter's memory comes from it instead of booting Python and importing the runner again. A
 * snapshot still on its way is awaited only after the WebAssembly module is instantiated and its file system set up:
 * Pyodide reads the snapshot's bytes only when it restores them, after `createPyodideModule` resolves, so the array
 * handed to it (of the announced size) is filled then (the pinned Pyodide's loadPyodide: prepareSnapshot,
 * instantiatePyodideModule, bootstrapPyodide). Were that order to change, the still empty array would fail Pyodide's
 * magic-number check and the worker would boot from scratch: slower, never wrong. The files too may still be on
 * their way: Pyodide's JavaScript is set up meanwhile (parsing and running Emscripten's module factory), and only
 * instantiating the WebAssembly and writing the standard library wait for them. While it loads, small modules of the
 * same bytes are compiled once (sharingSmallModules).
 */
async function load(indexURL: string, files: Promise<PyodideFiles>, boot: Boot): Promise<PyodideInterface> {
  const served = new Map<string, () => Promise<{ blob: Blob; type: string }>>([
    // Pyodide still asks for the wasm file; the answer is never read (instantiateStreaming below ignores it).
    [new URL(`${indexURL}pyodide.asm.wasm`, self.location.href).href, async () => ({ blob: new Blob([]), type: "application/wasm" })],
    [new URL(`${indexURL}python_stdlib.zip`, self.location.href).href, async () => ({ blob: (await files)["python_stdlib.zip"], type: "application/zip" })],
  ]);
  const realFetch = self.fetch;
  const realInstantiateStreaming = WebAssembly.instantiateStreaming;
  self.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const file = served.get(String(input instanceof Request ? input.url : input));
    return file ? file().then(({ blob, type }) => new Response(blob, { headers: { "content-type": type } })) : realFetch(input, init);
  };
  const RealModule = WebAssembly.Module;
  WebAssembly.Module = sharingSmallModules(RealModule);
  WebAssembly.instantiateStreaming = async (_source, imports) => {
    const wasm = (await files)["pyodide.asm.wasm"];
    const instance = await WebAssembly.instantiate(wasm, imports);
    performance.mark("agentcode:worker-instantiated");
    return { instance, module: wasm };
  };
  try {
    let create = createPyodideModule as CreateModule;
    const extra: Partial<LoadOptions> = {};
    if (boot.kind === "fresh") {
      if (boot.makeSnapshot) extra._makeSnapshot = true;
    } else if (boot.kind === "restore") {
      extra._loadSnapshot = new Uint8Array(boot.snapshot);
    } else {
      const arriving = boot.snapshot;
      const view = new Uint8Array(boot.bytes);
      extra._loadSnapshot = view;
      create = async (settings) => {
        const module = await (createPyodideModule as CreateModule)(settings);
        performance.mark("agentcode:worker-module-ready");
        const bytes = await arriving;
        if (bytes === null) throw new SnapshotRefused("The page refused the saved snapshot.");
        if (bytes.byteLength !== view.byteLength) throw new SnapshotRefused("The saved snapshot is not of the announced size.");
        view.set(new Uint8Array(bytes));
        return module;
      };
    }
    const options: LoadOptions = {
      indexURL,
      packageBaseUrl: indexURL,
      lockFileContents: files.then((loaded) => loaded["pyodide-lock.json"].text()),
      createPyodideModule: create as LoadOptions["createPyodideModule"],
      ...extra,
    };
    return await loadPyodide(options);
  } finally {
    self.fetch = realFetch;
    WebAssembly.instantiateStreaming = realInstantiateStreaming;
    WebAssembly.Module = RealModule;
  }
}

/** A saved snapshot announced by `init` (snapshotFollows) arrives here, in a `snapshot` message. */
let resolveFollowingSnapshot: (bytes: ArrayBuffer | null) => void = () => undefined;
const followingSnapshot = new Promise<ArrayBuffer | null>((resolve) => (resolveFollowingSnapshot = resolve));

/** Pyodide's files, from `init` or (when it had none) the `files` message that follows it. */
let resolveFiles: (files: PyodideFiles) => void = () => undefined;
const followingFiles = new Promise<PyodideFiles>((resolve) => (resolveFiles = resolve));

async function init(indexURL: string, given: PyodideFiles | null, snapshot: ArrayBuffer | null, snapshotFollows: number | null, makeSnapshot: boolean): Promise<void> {
  const started = performance.now();
  performance.mark("agentcode:worker-init");
  const files = given === null ? followingFiles : Promise.resolve(given);
  try {
    let py: PyodideInterface | undefined;
    let fromSnapshot = false;
    // A worker given a snapshot that Python then could not start from makes none of its own (the page makes a fresh
    // one in the spare); one whose announced snapshot the page refused makes it when asked to.
    let snapshotGiven = snapshot !== null;
    const boot: Boot | undefined =
      snapshot !== null
        ? { kind: "restore", snapshot }
        : snapshotFollows !== null
          ? {
              kind: "restore-arriving",
              bytes: snapshotFollows,
              snapshot: followingSnapshot.then((bytes) => {
                snapshotGiven = bytes !== null;
                return bytes;
              }),
            }
          : undefined;
    if (boot !== undefined) {
      try {
        py = await load(indexURL, files, boot);
        fromSnapshot = true;
      } catch {
        py = undefined; // a refused or unusable snapshot only costs time: boot normally below
      }
    }
    if (py === undefined) {
      const makeOne = makeSnapshot && !snapshotGiven;
      py = await load(indexURL, files, { kind: "fresh", makeSnapshot: makeOne });
      // The runner imports only the standard library and touches no JavaScript objects, so it can be part of
      // the snapshot; no user code has run yet, so the snapshot carries nothing from a cell.
      py.runPython(runnerSource, { filename: "/lib/agentcode_runner.py" });
      // The output contract shared with the server sandbox: the display API, /output and the caps.
      (py.globals.get("install_contract") as PyCallable)(contractSource, JSON.stringify(outputContract));
      if (makeOne) {
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
    // The npm package ships no wheels: until the host says which packages are installed, no package of the lock
    // can be imported and the runner explains why. Pyodide never fetches one itself: its package requests go to the
    // page. Kept out of the snapshot: it is cheap and per worker.
    lockIndex = indexLock(await (await files)["pyodide-lock.json"].text());
    (py.globals.get("install_package_guard") as PyCallable)(JSON.stringify([...lockIndex.packageOfImport.keys()]));
    installPackageFetch(indexURL);
    runCell = py.globals.get("run_cell") as PyCallable;
    mountData = py.globals.get("mount_data") as PyCallable;
    pyodide = py;
    performance.mark("agentcode:worker-ready");
    post({ type: "ready", loadMs: performance.now() - started, fromSnapshot, heapBytes: heapBytes() });
  } catch (error) {
    post({ type: "init-error", message: `Python could not start: ${describe(error)}` });
  }
}

interface LockIndex {
  readonly packageOfImport: ReadonlyMap<string, string>;
  readonly importsOf: ReadonlyMap<string, readonly string[]>;
  readonly dependsOf: ReadonlyMap<string, readonly string[]>;
  readonly fileNames: ReadonlySet<string>;
}

function canonicalName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

function indexLock(lockText: string): LockIndex {
  const lock = JSON.parse(lockText) as { packages?: Record<string, { name?: unknown; imports?: unknown; depends?: unknown; file_name?: unknown }> };
  const packageOfImport = new Map<string, string>();
  const importsOf = new Map<string, string[]>();
  const dependsOf = new Map<string, string[]>();
  const fileNames = new Set<string>();
  for (const [key, entry] of Object.entries(lock.packages ?? {})) {
    const name = canonicalName(typeof entry.name === "string" ? entry.name : key);
    const imports = Array.isArray(entry.imports) ? entry.imports.filter((i): i is string => typeof i === "string") : [];
    importsOf.set(name, imports);
    dependsOf.set(name, Array.isArray(entry.depends) ? entry.depends.filter((d): d is string => typeof d === "string").map(canonicalName) : []);
    for (const i of imports) packageOfImport.set(i, name);
    if (typeof entry.file_name === "string") fileNames.add(entry.file_name);
  }
  return { packageOfImport, importsOf, dependsOf, fileNames };
}

/** Requests for package files waiting for the page's answer, by file name. */
const fileRequests = new Map<string, Array<(answer: { file: Blob | null; error: string | null }) => void>>();

/**
 * Pyodide's loadPackage fetches `indexURL + file_name` of each package it loads. Those requests go to the page
 * instead (`package-file`), which answers with the verified bytes of an installed package or an error; every other
 * request is Pyodide's own fetch under the CSP, so nothing new can reach the network.
 */
function installPackageFetch(indexURL: string): void {
  const base = new URL(indexURL, self.location.href).href;
  const realFetch = self.fetch;
  self.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    const fileName = url.startsWith(base) ? decodeURIComponent(url.slice(base.length)) : "";
    if (!lockIndex.fileNames.has(fileName)) return realFetch(input, init);
    return new Promise((resolve, reject) => {
      const waiting = fileRequests.get(fileName) ?? [];
      waiting.push(({ file, error }) => (file !== null ? resolve(new Response(file)) : reject(new Error(error ?? `${fileName} is not available.`))));
      fileRequests.set(fileName, waiting);
      if (waiting.length === 1) post({ type: "package-file", fileName });
    });
  };
}

function answerFileRequest(fileName: string, file: Blob | null, error: string | null): void {
  const waiting = fileRequests.get(fileName) ?? [];
  fileRequests.delete(fileName);
  for (const answer of waiting) answer({ file, error });
}

/**
 * Makes the installed packages importable for this cell: the package guard lets their imports through, and the
 * ones the cell imports are loaded with their dependencies (as Pyodide's loadPackagesFromImports does, but only
 * from the installed set). Returns why loading failed, or null.
 */
async function loadInstalled(py: PyodideInterface, code: string, installed: readonly string[]): Promise<string | null> {
  const names = new Set(installed.map(canonicalName));
  const key = [...names].sort().join(" ");
  if (key !== guardKey) {
    const allowed = new Set([...names].flatMap((n) => lockIndex.importsOf.get(n) ?? []));
    const unavailable = [...lockIndex.packageOfImport.keys()].filter((i) => !allowed.has(i));
    (py.globals.get("install_package_guard") as PyCallable)(JSON.stringify(unavailable));
    guardKey = key;
  }
  if (names.size === 0) return null;
  let imports: string[] = [];
  try {
    const found = (py.pyimport("pyodide.code").find_imports as PyCallable)(code) as { toJs(): string[]; destroy(): void };
    imports = found.toJs();
    found.destroy();
  } catch {
    return null; // a syntax error: the cell reports it itself
  }
  const loadedNow = (): Set<string> => new Set(Object.keys(py.loadedPackages).map(canonicalName));
  // The imported packages with every dependency, so that a dependency that failed to load before is tried again.
  const closure = new Set<string>();
  const visit = (name: string): void => {
    if (closure.has(name) || !names.has(name)) return;
    closure.add(name);
    for (const dep of lockIndex.dependsOf.get(name) ?? []) visit(dep);
  };
  for (const i of imports) {
    const pkg = lockIndex.packageOfImport.get(i.split(".")[0]);
    if (pkg !== undefined) visit(pkg);
  }
  const loaded = loadedNow();
  const toLoad = [...closure].filter((p) => !loaded.has(p));
  if (toLoad.length === 0) return null;
  const errors: string[] = [];
  // Integrity: the page checked each file's SHA-256 before handing it over (Pyodide cannot check a Response it did
  // not fetch itself).
  await py.loadPackage(toLoad, { messageCallback: () => undefined, errorCallback: (m: string) => errors.push(m), checkIntegrity: false });
  const after = loadedNow();
  const missing = toLoad.filter((p) => !after.has(p));
  if (missing.length === 0 && errors.length === 0) return null;
  const what = missing.length > 0 ? missing.join(", ") : toLoad.join(", ");
  return `The installed package ${what} could not be loaded in the panel: ${errors.join(" ").replace(/\s+/g, " ").trim() || "unknown error"}`;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function run(runId: number, code: string, dataFiles: readonly DataFile[], packages: readonly string[]): Promise<void> {
  const started = performance.now();
  currentRunId = runId;
  lastFlush = performance.now();
  const py = pyodide;
  if (py === undefined || runCell === undefined || mountData === undefined) {
    done(runId, failure("Python is not ready yet.", started));
    return;
  }
  try {
    const loadError = await loadInstalled(py, code, packages);
    if (loadError !== null) {
      done(runId, failure(loadError, started));
      return;
    }
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
    done(runId, { ...parsed, elapsedMs: performance.now() - started });
  } catch (error) {
    flushStreams();
    done(runId, failure(`The run failed: ${describe(error)}`, started));
  }
}

/** The size of this worker's WebAssembly memory (it never shrinks: a cell that used much keeps it). */
function heapBytes(): number {
  const module = (pyodide as unknown as { _module?: { HEAP8?: Int8Array | Uint8Array } } | undefined)?._module;
  return module?.HEAP8?.byteLength ?? 0;
}

function done(runId: number, result: WorkerRunResult): void {
  post({ type: "done", runId, result, heapBytes: heapBytes() });
}

function failure(message: string, started: number): WorkerRunResult {
  return { status: "error", error: message, outputs: [], outputLimit: null, elapsedMs: performance.now() - started };
}

scope.addEventListener("securitypolicyviolation", (event) => {
  post({ type: "csp-violation", message: `Blocked by the panel's security policy: ${event.effectiveDirective} ${event.blockedURI}` });
});

performance.mark("agentcode:worker-evaluated");
// The first worker is told how to start in its name, and starts now; the others wait for `init`.
const named = parseWorkerName(scope.name);
let queue: Promise<void> = named === undefined ? Promise.resolve() : init(named.indexURL, null, null, named.snapshotFollows, named.makeSnapshot);
scope.addEventListener("message", (event) => {
  const parsed = parsePageToWorker(event.data);
  if (!parsed.ok) return;
  const message: PageToWorker = parsed.value;
  // The page's answers to package file requests arrive while a run waits for them: never queue them behind it.
  if (message.type === "package-file") {
    answerFileRequest(message.fileName, message.file, message.error);
    return;
  }
  // The files and the saved snapshot an `init` announced: it is already waiting for them.
  if (message.type === "files") {
    resolveFiles(message.files);
    return;
  }
  if (message.type === "snapshot") {
    resolveFollowingSnapshot(message.bytes);
    return;
  }
  queue = queue.then(() =>
    message.type === "init"
      ? init(message.indexURL, message.files, message.snapshot, message.snapshotFollows, message.makeSnapshot)
      : run(message.runId, message.code, message.dataFiles, message.packages),
  );
});
