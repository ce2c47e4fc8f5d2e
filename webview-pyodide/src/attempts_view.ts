/**
 * Draws the server's story of a generated cell: every attempt with its code as a diff against the previous
 * attempt's, the checker's findings, the trial run (status, stdout, stderr, error, outputs) and the reason it went
 * back to the model; and the consistency check's differences between the server's trial run and the panel's run.
 * Text is set with textContent only.
 */

import type { Difference } from "./consistency";
import { type DiffLine, diffLines } from "./diff";
import { el } from "./dom";
import type { Attempt, Finding, ServerRun } from "./protocol";

function renderDiff(diff: readonly DiffLine[]): HTMLElement {
  const pre = el("pre", "diff");
  for (const line of diff) {
    const mark = line.kind === "added" ? "+ " : line.kind === "removed" ? "- " : "  ";
    pre.append(el("span", `diff-line diff-${line.kind}`, `${mark}${line.text}\n`));
  }
  return pre;
}

export function renderFindings(findings: readonly Finding[]): HTMLElement {
  const list = el("ul", "findings");
  for (const finding of findings) {
    const line = finding.line === undefined ? "" : ` (line ${finding.line + 1})`;
    list.append(el("li", `finding finding-${finding.severity}`, `${finding.ruleId}: ${finding.message}${line}`));
  }
  return list;
}

function runLabel(run: ServerRun): string {
  const seconds = (run.elapsedMs / 1000).toFixed(2);
  // Skipped: the code needs a package installed for the panel only; the panel's own run is its trial run.
  if (run.status === "skipped") return `Trial run on the server ${run.error ?? "skipped"}`;
  const label = { ok: "passed", error: "raised an error", timeout: "timed out", memory: "ran out of memory", "output-limit": "passed an output cap" }[run.status];
  return `Trial run on the server ${label} (${seconds} s)`;
}

function renderRun(run: ServerRun): HTMLElement {
  const box = el("div", "attempt-run");
  box.dataset.status = run.status;
  box.append(el("div", "attempt-run-status", runLabel(run)));
  if (run.stdout !== "") box.append(el("pre", "attempt-stdout", run.stdout));
  if (run.stderr !== "") box.append(el("pre", "attempt-stderr", run.stderr));
  if (run.error !== null) box.append(el("pre", "attempt-error", run.error));
  // Listed, not drawn: the cell draws its own run's outputs once, and a failed attempt's chart may be the very
  // spec that was invalid.
  if (run.outputs.length > 0) {
    const names = run.outputs.map((o, i) => `${o.name === undefined ? `output ${i + 1}` : `/output/${o.name}`} (${o.mime})`);
    box.append(el("div", "attempt-outputs", `Outputs: ${names.join(", ")}`));
  }
  return box;
}

function headline(attempt: Attempt, last: boolean): string {
  if (attempt.error === null) return `Attempt ${attempt.attempt}: passed its check and trial run`;
  return `Attempt ${attempt.attempt}: ${attempt.error.kind}${last ? "" : ", sent back to the model"}`;
}

/**
 * The attempt history, oldest first; open when some attempt failed, so the story is visible at a glance. `ongoing`:
 * the generation goes on, so even the latest failed attempt went back to the model.
 */
export function renderAttempts(attempts: readonly Attempt[], ongoing = false): HTMLElement {
  const box = el("details", "attempts");
  box.open = attempts.some((a) => a.error !== null);
  const failed = attempts.filter((a) => a.error !== null).length;
  box.append(el("summary", "attempts-summary", `Server: ${attempts.length} attempt(s)${failed > 0 ? `, ${failed} failed` : ""}`));
  let previous: string | null = null;
  attempts.forEach((attempt, index) => {
    const item = el("div", "attempt");
    item.dataset.attempt = String(attempt.attempt);
    item.dataset.outcome = attempt.error === null ? "passed" : attempt.error.kind;
    item.append(el("div", "attempt-head", headline(attempt, !ongoing && index === attempts.length - 1)));
    if (attempt.code !== null) {
      // The first attempt's code is all new; each later one is shown as what changed.
      item.append(renderDiff(diffLines(previous ?? "", attempt.code)));
      previous = attempt.code;
    } else item.append(el("div", "attempt-no-code", "The reply had no code."));
    if (attempt.findings.length > 0) item.append(renderFindings(attempt.findings));
    if (attempt.run !== null) item.append(renderRun(attempt.run));
    if (attempt.error !== null) item.append(el("div", "attempt-reason", `Why: ${attempt.error.message}`));
    box.append(item);
  });
  return box;
}

/** The consistency check's verdict: the differences between the two runtimes' runs of the same code. */
export function renderDifferences(differences: readonly Difference[]): HTMLElement {
  const box = el("div", "consistency");
  box.setAttribute("role", "note");
  box.append(el("div", "consistency-head", "The panel's run differs from the server's trial run of the same code."));
  for (const difference of differences) {
    const item = el("div", "consistency-item");
    item.dataset.what = difference.what;
    item.append(el("div", "consistency-sentence", difference.sentence));
    if (difference.server !== undefined && difference.panel !== undefined) item.append(renderDiff(diffLines(difference.server, difference.panel)));
    box.append(item);
  }
  return box;
}
