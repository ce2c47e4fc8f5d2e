/**
 * Cell state (persisted with the webview's getState/setState) and its rendering to DOM. Text is always
 * set with textContent; the outputs (display() and /output files, the output contract) are drawn by
 * outputs_view.ts, and the code's editor is the page's (`CellActions.codeView`), moved into each new rendering.
 */

import { renderAttempts, renderDifferences, renderFindings } from "./attempts_view";
import { compareRuns } from "./consistency";
import { button, el } from "./dom";
import { renderOutputs } from "./outputs_view";
import {
  capabilityLine,
  type Attempt,
  type Capabilities,
  type DataFile,
  type Figure,
  type Finding,
  type Output,
  type OutputsSummary,
  type RunStatus,
  type ServerRun,
  type ServerVerdict,
  maxSummaryText,
} from "./protocol";

export type Decision = "none" | "accepted" | "rejected" | "fix-requested";

export type CellRun =
  | { readonly kind: "idle" }
  | { readonly kind: "running" }
  | { readonly kind: "finished"; readonly status: RunStatus; readonly elapsedMs: number };

export interface CellState {
  readonly id: string;
  readonly prompt: string;
  /** The code as the user last left it in the editor. */
  code: string;
  /** The findings of the server's check of `checkedCode`. */
  findings: readonly Finding[];
  /** What `checkedCode` will touch, from the server's check; null or absent when there is none. */
  capabilities?: Capabilities | null;
  /** The code the server's verdict, findings and capabilities describe; absent in older state (then: `code`). */
  checkedCode?: string;
  /** The server's answer to the latest Check of edited code; absent when the cell was never checked again. */
  recheck?: { readonly blocking: boolean };
  /** A Check is under way (not persisted across reloads in any useful way: the answer goes to the old page). */
  checking?: boolean;
  /** Why the latest Check could not be done; cleared by the next one. */
  checkError?: string | null;
  readonly dataFiles: readonly DataFile[];
  /** The generation's attempts, oldest first (empty for code the server did not generate). */
  readonly attempts: readonly Attempt[];
  /** Whether the cell's code passed the server's check and trial run. */
  readonly server: ServerVerdict;
  run: CellRun;
  stdout: string;
  stderr: string;
  error: string | null;
  /** What the run displayed, then the files it wrote under /output. */
  outputs: Output[];
  /** The sentence naming the output cap the run passed, if it passed one. */
  outputLimit: string | null;
  /** Lines of each stream hidden between its head and tail (the panel's output caps); absent in older state. */
  hiddenLines?: { stdout: number; stderr: number };
  decision: Decision;
  feedback: string;
  /** What Python was doing when the cell's code arrived (ready: it was started early enough); absent in older state. */
  pythonOnArrival?: "loading" | "ready" | "failed" | "released";
}

export interface CellActions {
  run(cell: CellState): void;
  stop(cell: CellState): void;
  accept(cell: CellState): void;
  reject(cell: CellState): void;
  fix(cell: CellState, feedback: string): void;
  /** Save one of the cell's images or charts into the workspace (the host asks where). */
  saveFigure(cell: CellState, figure: Figure): void;
  /** Open the full text of a stream whose middle the cell hides, in an editor. */
  openOutput(cell: CellState, stream: "stdout" | "stderr"): void;
  /** The feedback text changed (kept in the persisted state, so it survives a reload). */
  feedback(cell: CellState, text: string): void;
  /** Asks the server to check the cell's edited code. */
  check(cell: CellState): void;
  /** The element that shows and edits the cell's code (the same element across renderings). */
  codeView(cell: CellState): HTMLElement;
}

/**
 * The drawn outputs of each run, by the run's outputs list: a cell re-renders on every state change (Python
 * ready, a decision), and its charts and images are kept instead of drawn again.
 */
const drawnOutputs = new WeakMap<readonly Output[], HTMLElement>();

function outputsView(cell: CellState, actions: CellActions): HTMLElement {
  let view = drawnOutputs.get(cell.outputs);
  if (view === undefined) {
    view = renderOutputs(cell.outputs, cell.dataFiles, (figure) => actions.saveFigure(cell, figure));
    drawnOutputs.set(cell.outputs, view);
  }
  return view;
}

export function newCell(init: Pick<CellState, "id" | "prompt" | "code" | "findings" | "dataFiles" | "attempts" | "server" | "capabilities">): CellState {
  return {
    ...init,
    checkedCode: init.code,
    run: { kind: "idle" },
    stdout: "",
    stderr: "",
    error: null,
    outputs: [],
    outputLimit: null,
    decision: "none",
    feedback: "",
  };
}

/** Whether the user changed the code since the server last saw it (its verdict, findings and summary are older). */
export function edited(cell: CellState): boolean {
  return cell.code !== (cell.checkedCode ?? cell.code);
}

function capabilityView(cell: CellState): HTMLElement | null {
  if (cell.checking === true) return el("div", "capabilities checking", "Checking on the server…");
  if (typeof cell.checkError === "string") return el("div", "capabilities check-failed", `Not checked: ${cell.checkError}`);
  if (cell.capabilities === undefined || cell.capabilities === null) return null;
  const line = el("div", "capabilities", capabilityLine(cell.capabilities, cell.findings));
  line.setAttribute("aria-label", `Before you run it: ${line.textContent ?? ""}`);
  if (edited(cell)) {
    line.classList.add("stale");
    line.append(el("span", "stale-note", " (before your edits: Check to update)"));
  }
  return line;
}

export function clearOutputs(cell: CellState): void {
  cell.stdout = "";
  cell.stderr = "";
  cell.error = null;
  cell.outputs = [];
  cell.outputLimit = null;
  cell.hiddenLines = { stdout: 0, stderr: 0 };
}

/** Keeps the tail of a long text (the end of output is what explains a failure), within the protocol bound. */
function tail(text: string): string {
  if (text.length <= maxSummaryText) return text;
  const note = "[earlier output cut]\n";
  return note + text.slice(text.length - (maxSummaryText - note.length));
}

export function summarize(cell: CellState): OutputsSummary {
  const run = cell.run;
  return {
    status: run.kind === "finished" ? run.status : "failed",
    stdout: tail(cell.stdout),
    stderr: tail(cell.stderr),
    error: cell.error === null ? null : tail(cell.error),
    outputLimit: cell.outputLimit,
    outputs: cell.outputs,
    elapsedMs: run.kind === "finished" ? Math.round(run.elapsedMs) : 0,
  };
}

function statusText(run: CellRun, pythonReady: boolean): string {
  switch (run.kind) {
    case "idle":
      return "Not run";
    case "running":
      // A run asked for while Python starts waits for it; Stop cancels it before it starts.
      return pythonReady ? "Running…" : "Waiting for Python to start…";
    case "finished": {
      const seconds = (run.elapsedMs / 1000).toFixed(2);
      const label = { ok: "Done", error: "Error", "output-limit": "Output cap reached", stopped: "Stopped", failed: "Failed" }[run.status];
      return `${label} in ${seconds} s`;
    }
  }
}

/** The server's trial run of exactly the code the cell holds, if there was one. */
export function serverRunOf(cell: CellState): ServerRun | undefined {
  return [...(cell.attempts ?? [])].reverse().find((a) => a.code === cell.code && a.run !== null)?.run ?? undefined;
}

/**
 * Whether the cell's code passed: the server's verdict, and the panel's own run when there was one. Code that did
 * not pass can still be accepted, but only through the secondary "Accept anyway".
 */
export function passed(cell: CellState): boolean {
  // Edited code has no verdict yet; a Check of it (no trial run) fails it only when the check blocks.
  if (!edited(cell) && cell.recheck !== undefined) {
    if (cell.recheck.blocking) return false;
  } else if (!edited(cell) && cell.server === "failed") return false;
  return !(cell.run.kind === "finished" && (cell.run.status === "error" || cell.run.status === "failed"));
}

function stateChips(cell: CellState): HTMLElement {
  const chips = el("div", "cell-state");
  const server = cell.server ?? "none";
  if (edited(cell)) {
    chips.append(el("span", "chip chip-server-edited", "Edited: not checked by the server"));
  } else if (cell.recheck !== undefined) {
    const blocked = cell.recheck.blocking;
    chips.append(el("span", `chip chip-server-${blocked ? "failed" : "passed"}`, blocked ? "Blocked by the server's check" : "Checked on the server"));
  } else if (server !== "none") {
    const chip = el("span", `chip chip-server-${server}`, server === "passed" ? "Passed on the server" : "Failed on the server");
    chips.append(chip);
  }
  if (cell.run.kind === "finished" && cell.run.status !== "stopped") {
    const ok = cell.run.status === "ok" || cell.run.status === "output-limit";
    const outputs = cell.outputs.length === 0 ? "" : `, ${cell.outputs.length} output(s)`;
    chips.append(el("span", `chip chip-panel-${ok ? "ok" : "error"}`, `${ok ? "Ran in the panel" : "Failed in the panel"}${outputs}`));
  }
  return chips;
}

/**
 * Builds the element for one cell. Stream output lands in `.stdout`/`.stderr` and is appended in place. Run is
 * usable while Python starts (the run waits for it) and only unusable once Python failed to start.
 */
export function renderCell(cell: CellState, actions: CellActions, python: "loading" | "ready" | "failed"): HTMLElement {
  const pythonReady = python === "ready";
  const canRun = python !== "failed";
  const root = el("section", "cell");
  root.dataset.cellId = cell.id;
  // Focusable, so Ctrl+Enter (Cmd+Enter on macOS) can run the cell from the keyboard.
  root.tabIndex = 0;
  root.setAttribute("aria-label", `Cell: ${(cell.prompt || cell.code).split("\n")[0].slice(0, 80)}`);
  root.addEventListener("keydown", (event) => {
    if (event.target instanceof HTMLTextAreaElement) return; // Ctrl+Enter in the feedback box is the box's own
    if (event.defaultPrevented) return; // the code editor ran the cell itself
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.isTrusted && canRun && cell.run.kind !== "running") {
      event.preventDefault();
      actions.run(cell);
    }
  });
  root.dataset.run = cell.run.kind === "finished" ? cell.run.status : cell.run.kind;
  root.dataset.decision = cell.decision;
  root.dataset.server = cell.server ?? "none";
  if (cell.pythonOnArrival !== undefined) root.dataset.pythonOnArrival = cell.pythonOnArrival;
  root.dataset.edited = String(edited(cell));
  if (cell.prompt !== "") root.append(el("div", "prompt", cell.prompt));
  root.append(stateChips(cell));
  const capabilities = capabilityView(cell);
  if (capabilities !== null) root.append(capabilities);
  root.append(actions.codeView(cell));
  if (cell.findings.length > 0) root.append(renderFindings(cell.findings));
  if ((cell.attempts ?? []).length > 0) root.append(renderAttempts(cell.attempts));
  if (cell.dataFiles.length > 0) root.append(el("div", "data-files", `Data: ${cell.dataFiles.map((f) => `/data/${f.name}`).join(", ")}`));

  const running = cell.run.kind === "running";
  const bar = el("div", "actions");
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Cell actions");
  bar.append(
    button("Run", "Run the cell (Ctrl+Enter)", "run", !running && canRun, () => actions.run(cell)),
    button("Stop", "Stop the running cell", "stop", running, () => actions.stop(cell)),
    button("Check", "Check the edited code on the server", "check", edited(cell) && cell.checking !== true, () => actions.check(cell)),
    acceptButton(cell, !running, () => actions.accept(cell)),
    button("Reject", "Reject the code", "reject", !running, () => actions.reject(cell)),
  );
  const feedback = el("textarea", "feedback");
  feedback.placeholder = "What should be fixed?";
  feedback.setAttribute("aria-label", "What should be fixed?");
  feedback.value = cell.feedback;
  feedback.addEventListener("input", () => actions.feedback(cell, feedback.value));
  bar.append(feedback, button("Ask to fix", "Ask the model to fix the code with this feedback", "fix", !running, () => actions.fix(cell, feedback.value)));
  root.append(bar);

  const status = el("div", "run-status", statusText(cell.run, pythonReady));
  status.setAttribute("aria-live", "polite");
  root.append(status);
  for (const stream of ["stdout", "stderr"] as const) {
    root.append(el("pre", stream, cell[stream]));
    const hidden = cell.hiddenLines?.[stream] ?? 0;
    root.append(hiddenLinesNote(stream, hidden, () => actions.openOutput(cell, stream)));
  }
  if (cell.error !== null) root.append(el("pre", "traceback", cell.error));
  if (cell.outputLimit !== null) root.append(el("div", "output-limit", cell.outputLimit));
  if (cell.outputs.length > 0) root.append(outputsView(cell, actions));
  const serverRun = serverRunOf(cell);
  if (serverRun !== undefined && cell.run.kind === "finished") {
    const differences = compareRuns(serverRun, { status: cell.run.status, stdout: cell.stdout, outputs: cell.outputs });
    if (differences.length > 0) root.append(renderDifferences(differences));
  }
  if (cell.decision !== "none") root.append(el("div", "decision", cell.decision === "fix-requested" ? "Fix requested" : cell.decision === "accepted" ? "Accepted" : "Rejected"));
  return root;
}

/** Accept, or for code that did not pass the secondary "Accept anyway". */
function acceptButton(cell: CellState, enabled: boolean, onClick: () => void): HTMLButtonElement {
  if (passed(cell)) return button("Accept", "Accept the code into the editor", "accept", enabled, onClick);
  const node = button("Accept anyway", "Accept the code into the editor, although it did not pass", "accept", enabled, onClick);
  node.classList.add("secondary");
  return node;
}

/** "N lines hidden" under a stream past its cap, with a button to open the full output in an editor. */
function hiddenLinesNote(stream: "stdout" | "stderr", hidden: number, open: () => void): HTMLElement {
  const note = el("div", "hidden-lines");
  note.dataset.stream = stream;
  note.hidden = hidden === 0;
  note.append(
    el("span", "hidden-count", `${hidden.toLocaleString("en-US")} lines of ${stream} hidden`),
    button("Open full output", `Open the full ${stream} in an editor`, `open-${stream}`, true, open),
  );
  return note;
}

/** Shows a capped stream in place (head, the hidden-lines line, tail) and its "N lines hidden" note. */
export function setStream(root: HTMLElement, stream: "stdout" | "stderr", text: string, hidden: number): void {
  const pre = root.querySelector<HTMLElement>(`pre.${stream}`);
  if (pre !== null) pre.textContent = text;
  const note = root.querySelector<HTMLElement>(`div.hidden-lines[data-stream="${stream}"]`);
  if (note === null) return;
  note.hidden = hidden === 0;
  const count = note.querySelector(".hidden-count");
  if (count !== null) count.textContent = `${hidden.toLocaleString("en-US")} lines of ${stream} hidden`;
}

export function appendStream(root: HTMLElement, stream: "stdout" | "stderr", text: string): void {
  const pre = root.querySelector<HTMLElement>(`pre.${stream}`);
  if (pre !== null) pre.append(document.createTextNode(text));
}
