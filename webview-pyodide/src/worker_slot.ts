/**
 * One Pyodide worker as the runtime (runtime.ts) sees it: starts it (or adopts the first one, already started by the
 * start-up), sends it `init` with the files and snapshot as they come, enforces its load timeout, validates what it
 * posts and settles its state, and resolves the run it is running. The runtime decides what the page hears.
 */

import { type StartedWorker, newWorker } from "./startup_files";
import { type PageToWorker, type PyodideFiles, type WorkerRunResult, type WorkerToPage, parseWorkerMessage } from "./worker_protocol";

export type WorkerState =
  | { kind: "loading" }
  | { kind: "ready"; loadMs: number; fromSnapshot: boolean }
  | { kind: "failed"; message: string }
  /** The panel is hidden and its interpreters were released to stay within the memory budget. */
  | { kind: "released" };

/** What one worker can be: released is the runtime's state when it has none. */
export type SlotState = Exclude<WorkerState, { kind: "released" }>;

/** The spare worker as the page shows it (`#status[data-spare]`): none, still loading, or ready to swap in. */
export type SpareState = "none" | "loading" | "ready" | "failed";

export type RunOutcome =
  | { kind: "done"; result: WorkerRunResult }
  | { kind: "stopped"; elapsedMs: number }
  | { kind: "failed"; message: string };

export interface PendingRun {
  readonly runId: number;
  readonly started: number;
  readonly onStream: (stream: "stdout" | "stderr", text: string) => void;
  readonly resolve: (outcome: RunOutcome) => void;
}

/** What a slot tells its runtime; the runtime decides whether the page hears about it. */
export interface SlotListener {
  changed(slot: WorkerSlot): void;
  failed(slot: WorkerSlot, message: string): void;
  snapshot(bytes: ArrayBuffer): void;
  violation(message: string): void;
  packageFile(slot: WorkerSlot, fileName: string): void;
}

export interface SlotInit {
  readonly url: string;
  /** The first worker, already started from `url` by the start-up; later slots start their own. */
  readonly started?: StartedWorker;
  readonly indexURL: string;
  /** The files, or (for the first worker, started before they are all here) a promise of them. */
  readonly files: PyodideFiles | Promise<PyodideFiles>;
  /** The snapshot to restore, or the saved one the page is still fetching and checking (its size, and null if refused). */
  readonly snapshot: ArrayBuffer | null | { readonly bytes: number; readonly arriving: Promise<ArrayBuffer | null> };
  readonly makeSnapshot: boolean;
  readonly timeoutMs: number;
}

/** What the page says when loading Python's files or booting a worker outlasts the load timeout. */
export function notStartedMessage(timeoutMs: number): string {
  return `Python did not start within ${Math.round(timeoutMs / 1000)} s. Reload the panel to try again.`;
}

/** What the page says when it could not load the worker or Python's files. */
export function loadFailedMessage(error: unknown, timeoutMs: number): string {
  return error instanceof Error && error.name === "TimeoutError"
    ? notStartedMessage(timeoutMs)
    : `Could not load the Python worker: ${error instanceof Error ? error.message : String(error)}`;
}

export class WorkerSlot {
  state: SlotState = { kind: "loading" };
  readonly ready: Promise<SlotState>;
  pending: PendingRun | undefined;
  /** The worker's WebAssembly memory as it last reported it (at ready and after each run); 0 before. */
  heapBytes = 0;
  private settle: (state: SlotState) => void = () => undefined;
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly worker: Worker;
  /** True until this worker is ready: only the first worker, asked to, may hand over a snapshot. */
  private acceptsSnapshot: boolean;

  constructor(
    init: SlotInit,
    private readonly listener: SlotListener,
  ) {
    this.ready = new Promise((resolve) => (this.settle = resolve));
    this.timer = setTimeout(
      () => this.fail(notStartedMessage(init.timeoutMs)),
      init.timeoutMs,
    );
    const adopted = init.started?.adopt();
    this.worker = adopted?.worker ?? newWorker(init.url);
    this.worker.addEventListener("message", (event: MessageEvent<unknown>) => this.receive(event.data));
    this.worker.addEventListener("error", (event: ErrorEvent) => {
      event.preventDefault();
      this.workerFailed(event);
    });
    // What the worker said before it was adopted, once the runtime has made this slot its active one.
    const early = adopted?.early ?? [];
    if (early.length > 0) {
      queueMicrotask(() => {
        for (const event of early) event instanceof MessageEvent ? this.receive(event.data) : this.workerFailed(event);
      });
    }
    this.acceptsSnapshot = init.makeSnapshot;
    // `init` goes at once: files still on their way follow in a `files` message (the worker sets up Pyodide's
    // JavaScript meanwhile), a saved snapshot still being checked in a `snapshot` message.
    const snapshot = init.snapshot;
    const follows = snapshot !== null && !(snapshot instanceof ArrayBuffer) ? snapshot : undefined;
    const files = init.files instanceof Promise ? undefined : init.files;
    // The worker gets its own copy of the snapshot, transferred, so the page keeps its bytes for the next worker. The
    // first worker was told how to start in its name (the same init, without files or snapshot bytes).
    const copy = snapshot instanceof ArrayBuffer ? snapshot.slice(0) : null;
    if (init.started === undefined) {
      this.send(
        { type: "init", indexURL: init.indexURL, files: files ?? null, snapshot: copy, snapshotFollows: follows?.bytes ?? null, makeSnapshot: init.makeSnapshot },
        copy === null ? [] : [copy],
      );
    }
    if (files === undefined) {
      void Promise.resolve(init.files).then(
        (arrived) => this.state.kind === "loading" && this.send({ type: "files", files: arrived }),
        (error: unknown) => this.fail(loadFailedMessage(error, init.timeoutMs)),
      );
    }
    void follows?.arriving.then((bytes) => {
      if (this.state.kind !== "loading") return;
      const arrived = bytes?.slice(0) ?? null;
      this.send({ type: "snapshot", bytes: arrived }, arrived === null ? [] : [arrived]);
    });
  }

  /**
   * Posts to the worker. A snapshot goes as a copy made here and transferred: copying 30 MB this way costs the page a
   * fraction of what a structured clone does, and the worker nothing.
   */
  send(message: PageToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  terminate(): void {
    clearTimeout(this.timer);
    this.worker.terminate();
  }

  private workerFailed(event: Event): void {
    this.fail(`The Python worker failed: ${(event instanceof ErrorEvent && event.message) || "unknown error"}`);
  }

  private fail(message: string): void {
    if (this.state.kind === "failed") return;
    const pending = this.pending;
    this.state = { kind: "failed", message };
    clearTimeout(this.timer);
    this.worker.terminate();
    this.pending = undefined;
    pending?.resolve({ kind: "failed", message });
    this.settle(this.state);
    this.listener.failed(this, message);
  }

  private receive(data: unknown): void {
    const parsed = parseWorkerMessage(data);
    if (!parsed.ok) return; // forged or malformed: Python code can post to the page, so ignore it
    const message: WorkerToPage = parsed.value;
    switch (message.type) {
      case "snapshot":
        // Only before `ready`, so before any cell ran in this worker: a cell cannot plant a snapshot.
        if (this.state.kind === "loading" && this.acceptsSnapshot) this.listener.snapshot(message.bytes);
        this.acceptsSnapshot = false;
        return;
      case "ready":
        if (this.state.kind !== "loading") return;
        this.acceptsSnapshot = false;
        clearTimeout(this.timer);
        this.heapBytes = message.heapBytes;
        this.state = { kind: "ready", loadMs: message.loadMs, fromSnapshot: message.fromSnapshot };
        this.settle(this.state);
        this.listener.changed(this);
        return;
      case "init-error":
        if (this.state.kind === "loading") this.fail(message.message);
        return;
      case "csp-violation":
        this.listener.violation(message.message);
        return;
      case "package-file":
        this.listener.packageFile(this, message.fileName);
        return;
      case "stream":
        if (this.pending?.runId === message.runId) this.pending.onStream(message.stream, message.text);
        return;
      case "done": {
        const pending = this.pending;
        if (pending === undefined || pending.runId !== message.runId) return;
        this.pending = undefined;
        this.heapBytes = message.heapBytes;
        pending.resolve({ kind: "done", result: message.result });
        return;
      }
    }
  }
}

