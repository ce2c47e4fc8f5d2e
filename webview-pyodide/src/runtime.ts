/**
 * Owns the Pyodide workers of the page: has the worker bundle and Pyodide's files fetched once (startup_files.ts;
 * see PyodideFiles for why the page fetches them), starts each worker from a Blob URL as a module worker,
 * enforces the load timeout, and keeps a pre-warmed spare so that Stop (terminate the running worker) is
 * followed by a ready one. The spare starts warming as soon as the active worker is ready, and again after
 * every swap. The first worker makes a memory snapshot of the started interpreter; later workers restore it
 * instead of booting Python. A snapshot saved by an earlier page (persistedSnapshot) is fetched with the other
 * files, checked by size and SHA-256, and used for the first worker too; one that fails a check, or that Python
 * cannot start from, is reported (onPersistedSnapshotRejected) and a fresh one is made and offered
 * (onSnapshotMade). Start-up is a pipeline (startup_files.ts, begun by the start-up script boot.ts and taken over
 * here): the first worker starts as soon as its own script is here and sets up Pyodide while the files and the
 * snapshot arrive, `pyodide.asm.wasm` is compiled while it streams in (once, for every worker). Worker messages are
 * validated and matched to the current run; anything else is dropped. A
 * worker loading an installed package asks for its files, which the page's PackageShelf provides. While the panel
 * is hidden (hide/show), ready workers are kept as long as their WebAssembly memory fits the hidden-memory budget;
 * past it the spare takes over from a worker grown by earlier cells, or both are released, and Python starts again
 * from the snapshot when the panel is shown (or a run asks for it). A running cell is never cut short.
 */

import { type PersistedSnapshot } from "./html";
import { type CheckedSnapshot, type StartedWorker, beginStartup, pyodideIndexUrl, takeStartup } from "./startup_files";
import { type PackageShelf } from "./packages";
import { type DataFile } from "./protocol";
import { type PyodideFiles } from "./worker_protocol";
import { type RunOutcome, type SlotListener, type SpareState, type WorkerState, WorkerSlot, loadFailedMessage } from "./worker_slot";

export type { RunOutcome, SpareState, WorkerState } from "./worker_slot";

export interface RuntimeEvents {
  onError(message: string): void;
  onStateChange(state: WorkerState): void;
  onSpareChange?(state: SpareState): void;
  /** A snapshot was made before any cell ran (offered to the host to keep for later pages). */
  onSnapshotMade?(bytes: ArrayBuffer): void;
  /** The saved snapshot given in the options was not used, and why. */
  onPersistedSnapshotRejected?(reason: string): void;
}

export interface RuntimeOptions {
  readonly loadTimeoutMs: number;
  /** Restore later workers from the first worker's memory snapshot (default true). */
  readonly memorySnapshot?: boolean;
  /** A snapshot saved by an earlier page, to start the first worker from. */
  readonly persistedSnapshot?: PersistedSnapshot;
  /** The packages installed for the panel; without it no cell can load one. */
  readonly packages?: PackageShelf;
}

/** A run waiting for Python to be ready; Stop cancels it before it reaches a worker. */
interface QueuedRun {
  readonly started: number;
  cancelled: boolean;
  resolve: (outcome: RunOutcome) => void;
}

/** A snapshot saved by an earlier page, while the page fetches and checks it: its announced size, then its bytes or null. */
interface SavedSnapshot {
  readonly bytes: number;
  readonly arriving: Promise<ArrayBuffer | null>;
}

interface Resources {
  readonly url: string;
  readonly files: PyodideFiles;
}

export class PythonRuntime {
  private active: WorkerSlot | undefined;
  private starting: Promise<WorkerState> | undefined;
  private spare: WorkerSlot | undefined;
  private queued: QueuedRun | undefined;
  private resources: Resources | undefined;
  private snapshot: ArrayBuffer | null = null;
  private snapshotRequested = false;
  /** True while the first worker starts from a snapshot saved by an earlier page. */
  private fromPersisted = false;
  private nextRunId = 1;
  /** The memory budget while the panel is hidden, in bytes; undefined while it is visible. */
  private hiddenBudget: number | undefined;
  private readonly listener: SlotListener;

  constructor(
    private readonly assetsBase: string,
    private readonly options: RuntimeOptions,
    private readonly events: RuntimeEvents,
  ) {
    this.listener = {
      changed: (slot) => {
        if (slot === this.active) {
          if (slot.state.kind === "ready") performance.mark("agentcode:python-ready");
          if (this.fromPersisted && slot.state.kind === "ready") this.persistedUsed(slot.state.fromSnapshot);
          this.events.onStateChange(slot.state);
          if (slot.state.kind === "ready") this.warmSpare();
        } else if (slot === this.spare) this.spareChanged();
        this.trim();
      },
      failed: (slot, message) => {
        // A failing spare is only shown as such; it is replaced when Stop needs it.
        if (slot === this.active) {
          this.events.onError(message);
          this.events.onStateChange(slot.state);
        } else if (slot === this.spare) this.spareChanged();
      },
      snapshot: (bytes) => {
        if (this.snapshot !== null) return;
        this.snapshot = bytes;
        this.events.onSnapshotMade?.(bytes);
      },
      violation: (message) => this.events.onError(message),
      packageFile: (slot, fileName) => {
        const shelf = this.options.packages;
        const answer = shelf?.file(fileName) ?? Promise.resolve({ ok: false as const, message: "No packages are installed for the panel." });
        void answer.then((r) =>
          slot.send(r.ok ? { type: "package-file", fileName, file: r.file, error: null } : { type: "package-file", fileName, file: null, error: r.message }),
        );
      },
    };
  }

  /** Fetches the worker and Pyodide's files, starts the first worker; resolves with its final load state. */
  start(): Promise<WorkerState> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  /**
   * Takes over the start-up the start-up script began (or begins it): the first worker starts as soon as its script is
   * here and gets the files and the checked snapshot as they come (see WorkerSlot).
   */
  private async doStart(): Promise<WorkerState> {
    const persisted = this.options.memorySnapshot === false ? undefined : this.options.persistedSnapshot;
    const startup = takeStartup(this.assetsBase) ?? beginStartup(this.assetsBase, this.options.loadTimeoutMs, persisted, this.options.memorySnapshot ?? true);
    let started: StartedWorker;
    try {
      started = await startup.worker;
    } catch (error) {
      const message = loadFailedMessage(error, this.options.loadTimeoutMs);
      this.events.onError(message);
      return { kind: "failed", message };
    }
    const saved = persisted === undefined || startup.snapshot === undefined ? undefined : { bytes: persisted.unpackedBytes, arriving: this.checkedSnapshot(startup.snapshot) };
    const first = this.createSlot(started.url, startup.files, saved, started);
    this.active = first;
    startup.files.then((loaded) => (this.resources = { url: started.url, files: loaded }), () => undefined);
    return first.ready;
  }

  get state(): WorkerState {
    if (this.active === undefined && this.resources !== undefined) return { kind: "released" };
    return this.active?.state ?? { kind: "loading" };
  }

  /** The WebAssembly memory of the live workers, in bytes, as they last reported it. */
  get heapBytes(): number {
    return (this.active?.heapBytes ?? 0) + (this.spare?.heapBytes ?? 0);
  }

  /** The panel was hidden: from now on the workers are kept only within `budgetBytes` of memory. */
  hide(budgetBytes: number): void {
    this.hiddenBudget = Math.max(0, budgetBytes);
    this.trim();
  }

  /** The panel is visible again: Python starts from the snapshot if it was released, and the spare warms. */
  show(): void {
    this.hiddenBudget = undefined;
    this.wake();
    if (this.active?.state.kind === "ready") this.warmSpare();
  }

  /**
   * While hidden and over budget (and no cell running or queued): the ready spare, which ran nothing, replaces an
   * active worker that earlier cells grew; when that is not enough, both are released.
   */
  private trim(): void {
    const budget = this.hiddenBudget;
    if (budget === undefined || this.running || this.resources === undefined || this.heapBytes <= budget) return;
    const active = this.active;
    const spare = this.spare;
    this.spare = undefined;
    if (spare !== undefined && spare.state.kind === "ready" && spare.heapBytes <= budget) {
      active?.terminate();
      this.active = spare;
    } else {
      active?.terminate();
      spare?.terminate();
      this.active = undefined;
    }
    this.spareChanged();
    this.events.onStateChange(this.state);
  }

  /** Starts Python again (from the snapshot when there is one) after the workers were released. */
  private wake(): void {
    if (this.active !== undefined || this.resources === undefined) return;
    this.active = this.slotFrom(this.resources);
    this.events.onStateChange(this.active.state);
  }

  get running(): boolean {
    return this.queued !== undefined || this.active?.pending !== undefined;
  }

  /**
   * Runs code in the active worker. A run asked for while Python is still loading waits for it (the run is
   * "queued"); Stop cancels a queued run as well as a running one, so the queued code never starts.
   */
  async run(
    code: string,
    dataFiles: readonly DataFile[],
    onStream: (stream: "stdout" | "stderr", text: string) => void,
  ): Promise<RunOutcome> {
    if (this.queued !== undefined || this.active?.pending !== undefined) return { kind: "failed", message: "Another cell is running; stop it first." };
    const started = performance.now();
    const ticket: QueuedRun = { started, cancelled: false, resolve: () => undefined };
    const cancelled = new Promise<RunOutcome>((resolve) => (ticket.resolve = resolve));
    this.queued = ticket;
    const slot = await Promise.race([this.readySlot(), cancelled.then(() => undefined)]);
    if (ticket.cancelled) return cancelled;
    this.queued = undefined;
    if (slot === undefined || slot.state.kind !== "ready") {
      return { kind: "failed", message: slot?.state.kind === "failed" ? slot.state.message : "Python is not ready yet." };
    }
    if (slot.pending !== undefined) return { kind: "failed", message: "Another cell is running; stop it first." };
    const runId = this.nextRunId++;
    const outcome = await new Promise<RunOutcome>((resolve) => {
      slot.pending = { runId, started, onStream, resolve };
      slot.send({ type: "run", runId, code, dataFiles, packages: [...(this.options.packages?.names ?? [])] });
    });
    // A cell run while the panel is hidden (the language-model tool) may have grown its worker past the budget.
    this.trim();
    return outcome;
  }

  /** The active worker once it is ready or failed (waiting for the page to fetch Python's files first). */
  private async readySlot(): Promise<WorkerSlot | undefined> {
    if (this.active === undefined && this.starting !== undefined) await this.starting;
    this.wake(); // a run asks for Python while the hidden panel had released it
    let slot = this.active;
    // A Stop during the wait swaps workers: wait for whichever worker is active now.
    while (slot !== undefined) {
      await slot.ready;
      if (slot === this.active) return slot;
      slot = this.active;
    }
    return undefined;
  }

  /**
   * Stops the running cell by terminating its worker (the pre-warmed spare takes over), or cancels a run still
   * queued behind Python's start. Returns false when there was nothing to stop.
   */
  stop(): boolean {
    const queued = this.queued;
    if (queued !== undefined) {
      this.queued = undefined;
      queued.cancelled = true;
      queued.resolve({ kind: "stopped", elapsedMs: performance.now() - queued.started });
      return true;
    }
    const slot = this.active;
    const resources = this.resources;
    if (slot === undefined || slot.pending === undefined || resources === undefined) return false;
    const pending = slot.pending;
    slot.pending = undefined;
    slot.terminate();
    const spare = this.spare;
    this.spare = undefined;
    this.active = spare !== undefined && spare.state.kind !== "failed" ? spare : this.slotFrom(resources);
    if (spare !== undefined && spare !== this.active) spare.terminate();
    pending.resolve({ kind: "stopped", elapsedMs: performance.now() - pending.started });
    this.spareChanged();
    this.events.onStateChange(this.active.state);
    // A spare that is already ready lets the next spare start warming now; otherwise `changed` starts it.
    if (this.active.state.kind === "ready") this.warmSpare();
    return true;
  }

  private warmSpare(): void {
    // While hidden no spare is started (show() starts it): it would only weigh against the budget.
    if (this.spare !== undefined || this.resources === undefined || this.hiddenBudget !== undefined) return;
    this.spare = this.slotFrom(this.resources);
    this.spareChanged();
  }

  private spareChanged(): void {
    const spare = this.spare;
    this.events.onSpareChange?.(spare === undefined ? "none" : spare.state.kind);
  }

  /**
   * A worker from the page's files and current snapshot. The first one may be given the files still on their way
   * and the saved snapshot still being checked (`saved`): it makes a snapshot only if that one is refused.
   */
  private createSlot(url: string, files: PyodideFiles | Promise<PyodideFiles>, saved?: SavedSnapshot, started?: StartedWorker): WorkerSlot {
    const useSnapshot = this.options.memorySnapshot ?? true;
    const makeSnapshot = useSnapshot && this.snapshot === null && !this.snapshotRequested;
    if (makeSnapshot) this.snapshotRequested = true;
    const snapshot =
      saved === undefined
        ? this.snapshot
        : {
            bytes: saved.bytes,
            arriving: saved.arriving.then((bytes) => {
              // Later workers restore the saved snapshot too; the first one reports whether Python started from it.
              if (bytes !== null && this.snapshot === null) {
                this.snapshot = bytes;
                this.fromPersisted = true;
              }
              return bytes;
            }),
          };
    return new WorkerSlot(
      { url, started, indexURL: pyodideIndexUrl(this.assetsBase), files, snapshot: useSnapshot ? snapshot : null, makeSnapshot, timeoutMs: this.options.loadTimeoutMs },
      this.listener,
    );
  }

  private slotFrom(resources: Resources): WorkerSlot {
    return this.createSlot(resources.url, resources.files);
  }

  /** The checked snapshot's bytes, or null with the host told why, so a stale or corrupt snapshot is never trusted. */
  private async checkedSnapshot(arriving: Promise<CheckedSnapshot>): Promise<ArrayBuffer | null> {
    const checked = await arriving;
    if (checked.ok) return checked.bytes;
    this.events.onPersistedSnapshotRejected?.(`The saved Python snapshot was not used: ${checked.reason}.`);
    return null;
  }

  /** After the first worker started: a saved snapshot Python could not start from is dropped and made anew. */
  private persistedUsed(fromSnapshot: boolean): void {
    this.fromPersisted = false;
    if (fromSnapshot) return;
    this.snapshot = null;
    this.snapshotRequested = false; // the spare makes a fresh one
    this.events.onPersistedSnapshotRejected?.("The saved Python snapshot was not used: Python could not start from it.");
  }
}
