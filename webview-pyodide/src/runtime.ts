/**
 * Owns the Pyodide workers of the page: fetches the worker bundle as text, starts it from a Blob URL as a
 * module worker, enforces the load timeout, and keeps a pre-warmed spare so that Stop (terminate the
 * running worker) is followed by an instantly ready one. Worker messages are validated and matched to the
 * current run; anything else is dropped.
 */

import { type DataFile } from "./protocol";
import { type PyodideFiles, type WorkerRunResult, type WorkerToPage, type PageToWorker, parseWorkerMessage, pyodideFileNames } from "./worker_protocol";

export type WorkerState = { kind: "loading" } | { kind: "ready"; loadMs: number } | { kind: "failed"; message: string };

export type RunOutcome =
  | { kind: "done"; result: WorkerRunResult }
  | { kind: "stopped"; elapsedMs: number }
  | { kind: "failed"; message: string };

export interface RuntimeEvents {
  onError(message: string): void;
  onStateChange(state: WorkerState): void;
}

interface PendingRun {
  readonly runId: number;
  readonly started: number;
  readonly onStream: (stream: "stdout" | "stderr", text: string) => void;
  readonly resolve: (outcome: RunOutcome) => void;
}

class WorkerSlot {
  state: WorkerState = { kind: "loading" };
  readonly ready: Promise<WorkerState>;
  pending: PendingRun | undefined;
  private settle: (state: WorkerState) => void = () => undefined;
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(
    private readonly worker: Worker,
    indexURL: string,
    files: PyodideFiles,
    timeoutMs: number,
    private readonly events: RuntimeEvents,
  ) {
    this.ready = new Promise((resolve) => (this.settle = resolve));
    this.timer = setTimeout(
      () => this.fail(`Python did not start within ${Math.round(timeoutMs / 1000)} s. Reload the panel to try again.`),
      timeoutMs,
    );
    worker.addEventListener("message", (event: MessageEvent<unknown>) => this.receive(event.data));
    worker.addEventListener("error", (event: ErrorEvent) => {
      event.preventDefault();
      this.fail(`The Python worker failed: ${event.message || "unknown error"}`);
    });
    this.send({ type: "init", indexURL, files });
  }

  send(message: PageToWorker): void {
    this.worker.postMessage(message);
  }

  terminate(): void {
    clearTimeout(this.timer);
    this.worker.terminate();
  }

  private fail(message: string): void {
    if (this.state.kind === "failed") return;
    const wasLoading = this.state.kind === "loading";
    const pending = this.pending;
    this.state = { kind: "failed", message };
    clearTimeout(this.timer);
    this.worker.terminate();
    this.pending = undefined;
    pending?.resolve({ kind: "failed", message });
    this.settle(this.state);
    if (wasLoading || pending !== undefined) this.events.onError(message);
    this.events.onStateChange(this.state);
  }

  private receive(data: unknown): void {
    const parsed = parseWorkerMessage(data);
    if (!parsed.ok) return; // forged or malformed: Python code can post to the page, so ignore it
    const message: WorkerToPage = parsed.value;
    switch (message.type) {
      case "ready":
        if (this.state.kind !== "loading") return;
        clearTimeout(this.timer);
        this.state = { kind: "ready", loadMs: message.loadMs };
        this.settle(this.state);
        this.events.onStateChange(this.state);
        return;
      case "init-error":
        if (this.state.kind === "loading") this.fail(message.message);
        return;
      case "csp-violation":
        this.events.onError(message.message);
        return;
      case "stream":
        if (this.pending?.runId === message.runId) this.pending.onStream(message.stream, message.text);
        return;
      case "done": {
        const pending = this.pending;
        if (pending === undefined || pending.runId !== message.runId) return;
        this.pending = undefined;
        pending.resolve({ kind: "done", result: message.result });
        return;
      }
    }
  }
}

export class PythonRuntime {
  private active: WorkerSlot | undefined;
  private spare: WorkerSlot | undefined;
  private blobUrl: Promise<string> | undefined;
  private files: Promise<PyodideFiles> | undefined;
  private nextRunId = 1;

  constructor(
    private readonly assetsBase: string,
    private readonly loadTimeoutMs: number,
    private readonly events: RuntimeEvents,
  ) {}

  /** Starts the first worker; resolves with its final load state. */
  async start(): Promise<WorkerState> {
    this.active = await this.createSlot();
    const state = await this.active.ready;
    if (state.kind === "ready") void this.warmSpare();
    return state;
  }

  get state(): WorkerState {
    return this.active?.state ?? { kind: "loading" };
  }

  get running(): boolean {
    return this.active?.pending !== undefined;
  }

  async run(
    code: string,
    dataFiles: readonly DataFile[],
    onStream: (stream: "stdout" | "stderr", text: string) => void,
  ): Promise<RunOutcome> {
    const slot = this.active ?? (this.active = await this.createSlot());
    const state = await slot.ready;
    if (state.kind === "failed") return { kind: "failed", message: state.message };
    if (slot.pending !== undefined) return { kind: "failed", message: "Another cell is running; stop it first." };
    const runId = this.nextRunId++;
    return new Promise<RunOutcome>((resolve) => {
      slot.pending = { runId, started: performance.now(), onStream, resolve };
      slot.send({ type: "run", runId, code, dataFiles });
    });
  }

  /** Stops the running cell by terminating its worker; the pre-warmed spare takes over. */
  stop(): boolean {
    const slot = this.active;
    if (slot === undefined || slot.pending === undefined) return false;
    const pending = slot.pending;
    slot.pending = undefined;
    slot.terminate();
    this.active = this.spare;
    this.spare = undefined;
    pending.resolve({ kind: "stopped", elapsedMs: performance.now() - pending.started });
    if (this.active === undefined) {
      void this.createSlot().then((fresh) => {
        this.active ??= fresh;
        void fresh.ready.then(() => this.warmSpare());
      });
    } else {
      this.events.onStateChange(this.active.state);
      void this.warmSpare();
    }
    return true;
  }

  private async warmSpare(): Promise<void> {
    if (this.spare !== undefined) return;
    this.spare = await this.createSlot();
  }

  private workerBlobUrl(): Promise<string> {
    this.blobUrl ??= fetch(`${this.assetsBase}/worker.js`, { signal: AbortSignal.timeout(this.loadTimeoutMs) }).then(async (response) => {
      if (!response.ok) throw new Error(`worker.js: HTTP ${response.status}`);
      const text = await response.text();
      return URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
    });
    return this.blobUrl;
  }

  /** The page fetches the Pyodide files (see PyodideFiles for why the worker cannot), once for all workers. */
  private pyodideFiles(): Promise<PyodideFiles> {
    this.files ??= Promise.all(
      pyodideFileNames.map(async (name) => {
        const response = await fetch(`${this.assetsBase}/pyodide/${name}`, { signal: AbortSignal.timeout(this.loadTimeoutMs) });
        if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
        return [name, await response.blob()] as const;
      }),
    ).then((entries) => Object.fromEntries(entries) as PyodideFiles);
    return this.files;
  }

  private async createSlot(): Promise<WorkerSlot> {
    let url: string;
    let files: PyodideFiles;
    try {
      url = await this.workerBlobUrl();
      files = await this.pyodideFiles();
    } catch (error) {
      this.blobUrl = undefined;
      this.files = undefined;
      const message =
        error instanceof Error && error.name === "TimeoutError"
          ? `Python did not start within ${Math.round(this.loadTimeoutMs / 1000)} s. Reload the panel to try again.`
          : `Could not load the Python worker: ${error instanceof Error ? error.message : String(error)}`;
      this.events.onError(message);
      throw new Error(message);
    }
    const worker = new Worker(url, { type: "module", name: "agentcode-pyodide" });
    return new WorkerSlot(worker, `${this.assetsBase}/pyodide/`, files, this.loadTimeoutMs, this.events);
  }
}
