/**
 * What the page fetches for its workers when it starts (see PyodideFiles in worker_protocol.ts for why the page, not
 * the worker, fetches): the worker bundle as a Blob URL, from which the first worker starts as soon as it is here;
 * then Pyodide's files with `pyodide.asm.wasm` compiled as it streams in, and a snapshot saved by an earlier page in
 * its sparse stored form, checked by size, SHA-256 and page map and unpacked before anything uses it. The start-up script (boot.ts) begins this before the page's
 * own script has loaded, and the runtime takes it over (takeStartup); without it the runtime begins it itself. Each
 * step leaves a performance mark (`agentcode:*`) that the benchmark reads.
 */

import { type PersistedSnapshot } from "./html";
import { readSparse, unpackInto } from "./sparse_snapshot";
import { type PyodideFiles, type WorkerStart, maxSnapshotBytes, workerName } from "./worker_protocol";

/** A saved snapshot's bytes once checked, or why they are not used. */
export type CheckedSnapshot = { ok: true; bytes: ArrayBuffer } | { ok: false; reason: string };

/** The first worker and what it said before the runtime listened to it. */
export interface StartedWorker {
  /** The worker bundle's Blob URL, to start later workers from. */
  readonly url: string;
  /** How it was told to start (in its name): it sets Pyodide up without waiting for an `init`. */
  readonly start: WorkerStart;
  /** Hands the worker over: stops recording its events and returns those recorded, to be handled in order. */
  adopt(): { worker: Worker; early: Event[] };
}

/** The start-up under way: the first worker, Pyodide's files and the saved snapshot, each as it comes. */
export interface Startup {
  readonly assetsBase: string;
  readonly signal: AbortSignal;
  readonly worker: Promise<StartedWorker>;
  readonly files: Promise<PyodideFiles>;
  /** Undefined when no saved snapshot was given (or memory snapshots are off). */
  readonly snapshot: Promise<CheckedSnapshot> | undefined;
}

/** Where Pyodide's files are, as the worker is told (its `indexURL`). */
export function pyodideIndexUrl(assetsBase: string): string {
  return `${assetsBase}/pyodide/`;
}

async function fetchOk(url: string, signal: AbortSignal): Promise<Response> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`${url.slice(url.lastIndexOf("/") + 1)}: HTTP ${response.status}`);
  return response;
}

/** The lower-case hex SHA-256 of some bytes. */
async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The worker bundle as a Blob URL to start workers from. */
async function fetchWorkerUrl(assetsBase: string, signal: AbortSignal): Promise<string> {
  const worker = await (await fetchOk(`${assetsBase}/worker.js`, signal)).blob();
  return URL.createObjectURL(new Blob([worker], { type: "text/javascript" }));
}

/** A Pyodide worker started from the bundle's Blob URL; with `start`, it begins without waiting for an `init`. */
export function newWorker(url: string, start?: WorkerStart): Worker {
  return new Worker(url, { type: "module", name: workerName(start) });
}

/** Starts the first worker, recording its messages and errors until the runtime adopts it. */
function startWorker(url: string, start: WorkerStart): StartedWorker {
  const worker = newWorker(url, start);
  const early: Event[] = [];
  const record = (event: Event): void => {
    if (event instanceof ErrorEvent) event.preventDefault();
    early.push(event);
  };
  worker.addEventListener("message", record);
  worker.addEventListener("error", record);
  return {
    url,
    start,
    adopt() {
      worker.removeEventListener("message", record);
      worker.removeEventListener("error", record);
      return { worker, early: early.splice(0) };
    },
  };
}

/**
 * Pyodide's files, fetched once for all workers; `pyodide.asm.wasm` is compiled as it streams in (whatever type the
 * webview serves it with), so no worker compiles it.
 */
async function fetchPyodideFiles(assetsBase: string, signal: AbortSignal): Promise<PyodideFiles> {
  const base = `${assetsBase}/pyodide/`;
  const [wasm, stdlib, lock] = await Promise.all([
    fetchOk(`${base}pyodide.asm.wasm`, signal).then((response) =>
      WebAssembly.compileStreaming(new Response(response.body, { headers: { "content-type": "application/wasm" } })),
    ),
    fetchOk(`${base}python_stdlib.zip`, signal).then((response) => response.blob()),
    fetchOk(`${base}pyodide-lock.json`, signal).then((response) => response.blob()),
  ]);
  performance.mark("agentcode:files-ready");
  return { "pyodide.asm.wasm": wasm, "python_stdlib.zip": stdlib, "pyodide-lock.json": lock };
}

/**
 * The saved snapshot, unpacked, when its stored form has the size and SHA-256 the host recorded and a well-formed page
 * map with the recorded unpacked size, or why not: the only check of its SHA-256, made on the bytes that will be used
 * (the host checks the sidecar and the size only).
 */
async function fetchCheckedSnapshot(saved: PersistedSnapshot, signal: AbortSignal): Promise<CheckedSnapshot> {
  try {
    const response = await fetch(saved.url, { signal });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const bytes = await response.arrayBuffer();
    performance.mark("agentcode:snapshot-fetched");
    if (bytes.byteLength !== saved.bytes) return { ok: false, reason: `its size is ${bytes.byteLength} bytes, not ${saved.bytes}` };
    if ((await sha256Hex(bytes)) !== saved.sha256.toLowerCase()) return { ok: false, reason: "its SHA-256 does not match" };
    // The hash covers exactly the stored bytes; their page map is checked as strictly before they are unpacked.
    const stored = new Uint8Array(bytes);
    const sparse = readSparse(stored, maxSnapshotBytes);
    if (!sparse.ok) return sparse;
    if (sparse.snapshot.unpackedBytes !== saved.unpackedBytes) return { ok: false, reason: `it unpacks to ${sparse.snapshot.unpackedBytes} bytes, not ${saved.unpackedBytes}` };
    const full = new Uint8Array(saved.unpackedBytes);
    unpackInto(stored, sparse.snapshot, full);
    performance.mark("agentcode:snapshot-checked");
    return { ok: true, bytes: full.buffer };
  } catch (error) {
    return { ok: false, reason: `it could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
}

/**
 * Begins the start-up. The worker script comes first, alone: the page's thread both receives the files and starts
 * the worker, so the larger files wait until the worker is started (on two busy cores, asking for everything at once
 * made the worker start hundreds of milliseconds later). The worker parses its script while they arrive.
 */
export function beginStartup(assetsBase: string, loadTimeoutMs: number, saved: PersistedSnapshot | undefined, makeSnapshot: boolean): Startup {
  performance.mark("agentcode:start");
  const signal = AbortSignal.timeout(loadTimeoutMs);
  // The first worker restores the saved snapshot (announced: it follows once checked), or makes one if asked to.
  const start: WorkerStart = { indexURL: pyodideIndexUrl(assetsBase), snapshotFollows: saved?.unpackedBytes ?? null, makeSnapshot };
  const worker = fetchWorkerUrl(assetsBase, signal).then((url) => startWorker(url, start));
  const started = worker.then(() => undefined);
  const files = started.then(() => fetchPyodideFiles(assetsBase, signal));
  // A failed worker fetch is reported once, by whoever awaits the worker; the files then never matter.
  files.catch(() => undefined);
  const snapshot = saved === undefined ? undefined : started.then(() => fetchCheckedSnapshot(saved, signal), (error: unknown) => ({ ok: false as const, reason: `it could not be read (${String(error)})` }));
  return { assetsBase, signal, worker, files, snapshot };
}

/** What the page's body says about starting Python (renderPanelHtml writes it): read alike by both scripts. */
export interface StartupOptions {
  readonly assetsBase: string;
  readonly loadTimeoutMs: number;
  readonly memorySnapshot: boolean;
  readonly persistedSnapshot: PersistedSnapshot | undefined;
}

export function startupOptions(data: DOMStringMap): StartupOptions {
  return {
    assetsBase: data.assets ?? "",
    loadTimeoutMs: Number(data.loadTimeoutMs ?? "120000"),
    memorySnapshot: data.memorySnapshot !== "off",
    persistedSnapshot: persistedSnapshot(data),
  };
}

/** The saved snapshot the page is told of; without a usable unpacked size (the worker needs it first) none. */
function persistedSnapshot(data: DOMStringMap): PersistedSnapshot | undefined {
  const unpackedBytes = Number(data.snapshotUnpackedBytes);
  if (data.snapshotUrl === undefined || !Number.isSafeInteger(unpackedBytes) || unpackedBytes < 1 || unpackedBytes > maxSnapshotBytes) return undefined;
  return { url: data.snapshotUrl, bytes: Number(data.snapshotBytes), sha256: data.snapshotSha256 ?? "", unpackedBytes };
}

/** Begins the start-up these options ask for (a saved snapshot only with memory snapshots on). */
export function beginStartupFor(options: StartupOptions): Startup {
  return beginStartup(options.assetsBase, options.loadTimeoutMs, options.memorySnapshot ? options.persistedSnapshot : undefined, options.memorySnapshot);
}

/** Where the start-up script leaves its start-up for the runtime; null once the runtime began without it. */
interface StartupSlot {
  agentcodeStartup?: Startup | null;
}

/** Called by the start-up script: begins the start-up unless the runtime already began one itself. */
export function publishStartup(begin: () => Startup): void {
  const slot = globalThis as StartupSlot;
  if (slot.agentcodeStartup === undefined) slot.agentcodeStartup = begin();
}

/** The start-up begun by the start-up script for these assets, taken once; undefined when there is none. */
export function takeStartup(assetsBase: string): Startup | undefined {
  const slot = globalThis as StartupSlot;
  const startup = slot.agentcodeStartup ?? undefined;
  slot.agentcodeStartup = null;
  return startup?.assetsBase === assetsBase ? startup : undefined;
}
