/**
 * Entry point of the panel page: wires the VS Code API (postMessage/getState/setState), host messages
 * (validated with parseHostMessage), the Python runtime, the cell views and their code editors (editor.ts, a chunk
 * imported with the first cell or once Python is ready; until it arrives the code shows as plain text). Host messages are only sent from user clicks,
 * keys and runtime events, never on behalf of the worker.
 */

import { type CellState, type CellActions, appendStream, clearOutputs, edited, newCell, renderCell, setStream, summarize } from "./cells";
import type { CodeEditor } from "./editor";
import { el } from "./dom";
import { renderGeneration } from "./generation_view";
import { PackageShelf } from "./packages";
import { type HostMessage, type PageMessage, parseHostMessage, safeFigureName } from "./protocol";
import { PythonRuntime, type WorkerState } from "./runtime";
import { packSnapshot } from "./sparse_snapshot";
import { startupOptions } from "./startup_files";
import { CappedStream, type StreamCaps } from "./stream_cap";

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: PersistedState): void;
}

interface PersistedState {
  readonly version: 1;
  readonly cells: readonly CellState[];
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const cellsRoot = document.getElementById("cells") as HTMLElement;
const statusEl = document.getElementById("status") as HTMLElement;
const { assetsBase, loadTimeoutMs, memorySnapshot, persistedSnapshot } = startupOptions(document.body.dataset);
const snapshotKey = document.body.dataset.snapshotKey;
/** The memory the panel's interpreters may keep while it is hidden (agentcode.panel.hiddenMemoryMiB). */
const hiddenBudgetBytes = Math.max(0, Number(document.body.dataset.hiddenMemoryMib ?? "512") || 0) * 1024 * 1024;
const streamCaps: StreamCaps = {
  lines: Number(document.body.dataset.outputCapLines ?? "5000") || 5000,
  chars: Number(document.body.dataset.outputCapChars ?? String(1024 * 1024)) || 1024 * 1024,
};
/** How often a capped stream is redrawn during a flood: often enough to watch, rarely enough to stay responsive. */
const cappedRedrawMs = 200;

const cells: CellState[] = restoreCells(vscode.getState());
const elements = new Map<string, HTMLElement>();
/** The streams of each cell's last run in this page (not persisted: the full output does not survive a reload). */
const streams = new Map<string, Record<"stdout" | "stderr", CappedStream>>();
let pythonState: WorkerState = { kind: "loading" };
/** The editor chunk once loaded, and each cell's editor (kept across renderings, so typing is never interrupted). */
let editorModule: typeof import("./editor") | undefined;
const editors = new Map<string, CodeEditor>();
/** The cell that takes focus when the editors arrive (the newest one, added before they had loaded). */
let focusWhenReady: string | undefined;
let editorRequested = false;

/**
 * Loads the editor chunk (CodeMirror) once: when the first cell is shown or Python is ready, whichever comes first.
 * Evaluating it takes the page's thread for tens of milliseconds, which at start would delay the Python worker
 * (its creation and its files need that thread); until it is here, a cell shows its code as plain text.
 */
function loadEditor(): void {
  if (editorRequested) return;
  editorRequested = true;
  import("./editor").then(
    (module) => {
      editorModule = module;
      for (const cell of cells) render(cell);
      const waiting = focusWhenReady === undefined ? undefined : editors.get(focusWhenReady);
      focusWhenReady = undefined;
      if (document.hasFocus()) waiting?.focus();
    },
    (error: unknown) => reportError(`The code editor could not be loaded, so cells cannot be edited: ${error instanceof Error ? error.message : String(error)}`),
  );
}
/** The CSP nonce of the page's scripts: CodeMirror's style element needs it (the policy allows no other inline style). */
const styleNonce = document.querySelector<HTMLScriptElement>("script[nonce]")?.nonce ?? "";

function post(message: PageMessage): void {
  vscode.postMessage(message);
}

function reportError(message: string): void {
  post({ type: "webview/error", message });
}

function restoreCells(state: unknown): CellState[] {
  if (typeof state !== "object" || state === null || !("cells" in state) || !Array.isArray(state.cells)) return [];
  const restored: CellState[] = [];
  for (const raw of state.cells as unknown[]) {
    if (typeof raw !== "object" || raw === null || !("id" in raw) || typeof raw.id !== "string") continue;
    const cell = raw as CellState;
    // A run cannot survive a reload: the worker that ran it is gone.
    if (cell.run.kind === "running") cell.run = { kind: "finished", status: "stopped", elapsedMs: 0 };
    // A Check asked for by the page before the reload may never be answered to this one.
    cell.checking = false;
    restored.push(cell);
  }
  return restored;
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
function save(): void {
  if (saveTimer !== undefined) return;
  saveTimer = setTimeout(flushState, 50);
}

function flushState(): void {
  clearTimeout(saveTimer);
  saveTimer = undefined;
  vscode.setState({ version: 1, cells });
}

// A reload right after a change must not lose it to the save delay.
window.addEventListener("pagehide", flushState);

function render(cell: CellState): void {
  const old = elements.get(cell.id);
  // Taken before the new rendering moves the editor out of the old element (which drops its focus). Only while the
  // user is in the panel: a hidden or unfocused panel keeps its activeElement, and focusing it again would pull the
  // keyboard away from the editor the user went back to.
  const focused = document.hasFocus() ? document.activeElement : null;
  const hadFocus = old !== undefined && focused instanceof HTMLElement && old.contains(focused) ? focused : undefined;
  // A released interpreter starts again when a cell runs: to the cell, Python is loading.
  const fresh = renderCell(cell, actions, pythonState.kind === "released" ? "loading" : pythonState.kind);
  if (old === undefined) cellsRoot.append(fresh);
  else {
    old.replaceWith(fresh);
    if (hadFocus !== undefined) keepFocus(cell, hadFocus, fresh);
  }
  elements.set(cell.id, fresh);
  save();
}

/** Re-rendering replaces a cell's element; keyboard users keep their place (same editor, button, box or cell). */
function keepFocus(cell: CellState, focused: HTMLElement, fresh: HTMLElement): void {
  const editor = editors.get(cell.id);
  if (editor !== undefined && fresh.contains(editor.dom) && (focused === editor.dom || editor.dom.contains(focused))) {
    editor.focus();
    return;
  }
  const action = focused.dataset.action;
  const twin =
    action !== undefined
      ? fresh.querySelector<HTMLButtonElement>(`button[data-action="${action}"]:not([disabled])`)
      : focused instanceof HTMLTextAreaElement
        ? fresh.querySelector<HTMLTextAreaElement>("textarea.feedback")
        : null;
  (twin ?? fresh).focus();
}

/** The block of the generation in progress, below the cells; undefined removes it. */
let generationEl: HTMLElement | undefined;
function showGeneration(fresh: HTMLElement | undefined): void {
  const first = generationEl === undefined && fresh !== undefined;
  if (fresh === undefined) generationEl?.remove();
  else if (generationEl === undefined) cellsRoot.after(fresh);
  else generationEl.replaceWith(fresh);
  generationEl = fresh;
  if (first) fresh.scrollIntoView({ block: "nearest" });
}

function renderStatus(): void {
  statusEl.dataset.state = pythonState.kind;
  statusEl.dataset.heapMib = String(Math.round(runtime.heapBytes / 1024 / 1024));
  if (pythonState.kind === "ready") statusEl.dataset.fromSnapshot = String(pythonState.fromSnapshot);
  statusEl.textContent =
    pythonState.kind === "loading"
      ? "Starting Python…"
      : pythonState.kind === "ready"
        ? `Python ready (${(pythonState.loadMs / 1000).toFixed(1)} s)`
        : pythonState.kind === "released"
          ? "Python was released while the panel was hidden; it starts again when needed."
          : pythonState.message;
  for (const cell of cells) render(cell);
}

const packages = new PackageShelf();
const runtime = new PythonRuntime(assetsBase, { loadTimeoutMs, memorySnapshot, persistedSnapshot, packages }, {
  // The first worker's snapshot is taken before any cell runs, so what the host keeps holds no user data. The host
  // keeps it in its sparse stored form (without the all-zero pages).
  onSnapshotMade(bytes) {
    if (snapshotKey !== undefined) post({ type: "snapshot/save", key: snapshotKey, bytes: packSnapshot(new Uint8Array(bytes)).buffer });
  },
  onPersistedSnapshotRejected(reason) {
    if (snapshotKey !== undefined) post({ type: "snapshot/rejected", key: snapshotKey, reason });
  },
  onError: reportError,
  onStateChange(state) {
    pythonState = state;
    renderStatus();
  },
  onSpareChange(state) {
    statusEl.dataset.spare = state;
  },
});

/** Copies the capped streams into the cell and its view (head, hidden count, tail). */
function showCapped(cell: CellState, capped: Record<"stdout" | "stderr", CappedStream>): void {
  const root = elements.get(cell.id);
  const hidden = { stdout: 0, stderr: 0 };
  for (const stream of ["stdout", "stderr"] as const) {
    if (!capped[stream].truncated) continue;
    hidden[stream] = capped[stream].shown().hiddenLines;
    cell[stream] = capped[stream].text();
    if (root !== undefined) setStream(root, stream, cell[stream], hidden[stream]);
  }
  cell.hiddenLines = hidden;
  save();
}

async function runCell(cell: CellState): Promise<void> {
  if (cell.run.kind === "running") return;
  clearOutputs(cell);
  cell.run = { kind: "running" };
  render(cell);
  const capped = { stdout: new CappedStream(streamCaps), stderr: new CappedStream(streamCaps) };
  streams.set(cell.id, capped);
  let redraw: ReturnType<typeof setTimeout> | undefined;
  const code = cell.code; // what runs, though the user may edit on while it does
  const outcome = await runtime.run(code, cell.dataFiles, (stream, text) => {
    capped[stream].append(text);
    if (!capped[stream].truncated) {
      // Below the cap, text is appended in place: cheap, and what was printed shows at once.
      cell[stream] += text;
      const root = elements.get(cell.id);
      if (root !== undefined) appendStream(root, stream, text);
      save();
    } else {
      redraw ??= setTimeout(() => {
        redraw = undefined;
        showCapped(cell, capped);
      }, cappedRedrawMs);
    }
  });
  clearTimeout(redraw);
  showCapped(cell, capped);
  switch (outcome.kind) {
    case "done":
      cell.error = outcome.result.error;
      cell.outputs = [...outcome.result.outputs];
      cell.outputLimit = outcome.result.outputLimit;
      cell.run = {
        kind: "finished",
        // Past an output cap the cell still shows what fitted, as the server's run does.
        status: outcome.result.status === "ok" && outcome.result.outputLimit !== null ? "output-limit" : outcome.result.status,
        elapsedMs: outcome.result.elapsedMs,
      };
      break;
    case "stopped":
      cell.error = "Stopped.";
      cell.run = { kind: "finished", status: "stopped", elapsedMs: outcome.elapsedMs };
      break;
    case "failed":
      cell.error = outcome.message;
      cell.run = { kind: "finished", status: "failed", elapsedMs: 0 };
      break;
  }
  render(cell);
  post({ type: "cell/result", id: cell.id, summary: summarize(cell), code });
}

const actions: CellActions = {
  run: (cell) => void runCell(cell),
  stop: () => runtime.stop(),
  accept(cell) {
    cell.decision = "accepted";
    render(cell);
    post({ type: "cell/accept", id: cell.id, code: cell.code });
  },
  reject(cell) {
    cell.decision = "rejected";
    render(cell);
    post({ type: "cell/reject", id: cell.id });
  },
  fix(cell, feedback) {
    cell.decision = "fix-requested";
    cell.feedback = feedback;
    render(cell);
    post({ type: "cell/fix", id: cell.id, feedback });
  },
  saveFigure(cell, figure) {
    post({ type: "cell/saveFigure", id: cell.id, name: safeFigureName(figure.name, figure.mime), mime: figure.mime, base64: figure.base64 });
  },
  openOutput(cell, stream) {
    const capped = streams.get(cell.id);
    if (capped === undefined) {
      reportError("The full output of a run from before the panel was reloaded is gone: run the cell again to see it.");
      return;
    }
    post({ type: "cell/openOutput", id: cell.id, stream, text: capped[stream].fullText() });
  },
  feedback(cell, text) {
    cell.feedback = text;
    save();
  },
  check(cell) {
    cell.checking = true;
    cell.checkError = null;
    render(cell);
    post({ type: "cell/check", id: cell.id, code: cell.code });
  },
  codeView: codeView,
};

/** The cell's editor once the editor chunk is there; until then its code as plain text. */
function codeView(cell: CellState): HTMLElement {
  if (editorModule === undefined) {
    loadEditor();
    return el("pre", "code code-text", cell.code);
  }
  let editor = editors.get(cell.id);
  if (editor === undefined) {
    editor = editorModule.createEditor({
      code: cell.code,
      nonce: styleNonce,
      label: `Code of the cell: ${(cell.prompt || cell.code).split("\n")[0].slice(0, 80)}`,
      onChange(code) {
        const wasEdited = edited(cell);
        cell.code = code;
        // The chips, the summary's note and Check change only when the cell turns edited or back.
        if (edited(cell) !== wasEdited) render(cell);
        else save();
      },
      onRun() {
        if (pythonState.kind !== "failed") void runCell(cell);
      },
    });
    editors.set(cell.id, editor);
  }
  return editor.dom;
}

/**
 * Scrolls a new cell into view and, when the user is in the panel, puts the cursor in its code (in its editor once
 * the editors have loaded). A cell that arrives while the user types elsewhere (a generation finishing beside the
 * editor) never takes the keyboard away from them.
 */
function reveal(cell: CellState): void {
  const root = elements.get(cell.id);
  if (root === undefined) return;
  root.scrollIntoView({ block: "nearest" });
  if (!document.hasFocus()) return;
  const editor = editors.get(cell.id);
  if (editor !== undefined) editor.focus();
  else {
    root.focus({ preventScroll: true });
    focusWhenReady = cell.id;
  }
}

function handleHost(message: HostMessage): void {
  if (message.type === "packages/installed") {
    packages.update(message.base, message.packages);
    return;
  }
  if (message.type === "generation/progress") {
    showGeneration(renderGeneration(message));
    return;
  }
  if (message.type === "generation/end") {
    if (generationEl?.dataset.generationId === message.id) showGeneration(undefined);
    return;
  }
  if (message.type === "panel/visibility") {
    if (message.visible) runtime.show();
    else runtime.hide(hiddenBudgetBytes);
    return;
  }
  const cell = cells.find((c) => c.id === message.id);
  switch (message.type) {
    case "cell/add": {
      showGeneration(undefined); // the generation's story continues in its cell
      const fresh = newCell(message);
      // What Python was doing when the code arrived: "ready" when it was started early enough (at the generation's start).
      fresh.pythonOnArrival = pythonState.kind;
      const index = cells.findIndex((c) => c.id === message.id);
      if (index >= 0) cells[index] = fresh;
      else cells.push(fresh);
      editors.delete(message.id); // the same id with new code gets a new editor
      render(fresh);
      reveal(fresh);
      return;
    }
    case "cell/checked":
      if (cell === undefined) return; // a cell from before a reload of the panel
      cell.checking = false;
      cell.checkedCode = message.code;
      cell.findings = message.findings;
      cell.capabilities = message.capabilities;
      cell.recheck = { blocking: message.blocking };
      render(cell);
      return;
    case "cell/checkFailed":
      if (cell === undefined) return;
      cell.checking = false;
      cell.checkError = message.message;
      render(cell);
      return;
    case "cell/run":
      if (cell === undefined) reportError(`cell/run: no cell '${message.id}'`);
      else void runCell(cell);
      return;
    case "cell/stop":
      runtime.stop();
      return;
    case "cell/acceptCancelled":
      if (cell !== undefined && cell.decision === "accepted") {
        cell.decision = "none";
        render(cell);
      }
      return;
  }
}

window.addEventListener("message", (event: MessageEvent<unknown>) => {
  const parsed = parseHostMessage(event.data);
  if (parsed.ok) handleHost(parsed.value);
  else reportError(`Ignored a message from the editor: ${parsed.error}`);
});

document.addEventListener("securitypolicyviolation", (event) => {
  reportError(`Blocked by the panel's security policy: ${event.effectiveDirective} ${event.blockedURI}`);
});

for (const cell of cells) render(cell);
renderStatus();
// Python first: its worker and files are the longest path to a ready panel.
runtime.start().then(
  (state) => {
    pythonState = state;
    renderStatus();
    loadEditor();
    // The chart code is a chunk of its own so the page starts without it; it is fetched once Python is ready,
    // so the first chart does not wait for it. A failure here shows again, in the cell, when a chart is drawn.
    import("./charts").catch(() => undefined);
  },
  (error: unknown) => {
    pythonState = { kind: "failed", message: error instanceof Error ? error.message : String(error) };
    renderStatus();
    loadEditor();
  },
);
post({ type: "webview/ready" });
