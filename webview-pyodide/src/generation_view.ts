/**
 * The generation in progress, shown in the panel while the model writes and the server checks: the prompt, the
 * current attempt and its phase (asking the model, characters received, checking, trial run), and the attempts that
 * already went back to the model, drawn as in a cell's history. It is one block below the cells, replaced on every
 * `generation/progress` and removed by `generation/end` or when the generated cell arrives. Text only.
 */

import { renderAttempts } from "./attempts_view";
import { el } from "./dom";
import type { HostMessage } from "./protocol";

export type GenerationProgress = Extract<HostMessage, { type: "generation/progress" }>;

/** The phase line: the server's step, e.g. "Attempt 2 of 3: asking gpt-4o (1,234 characters received)". */
export function phaseLine(progress: Pick<GenerationProgress, "phase" | "received">): string {
  const received = progress.received > 0 ? ` (${progress.received.toLocaleString("en-US")} characters received)` : "";
  return `${progress.phase}${received}`;
}

export function renderGeneration(progress: GenerationProgress): HTMLElement {
  const root = el("section", "generation");
  root.dataset.generationId = progress.id;
  root.dataset.attempt = String(progress.attempt);
  root.setAttribute("aria-label", "Generation in progress");
  root.append(el("div", "prompt", progress.prompt));
  const phase = el("div", "generation-phase", phaseLine(progress));
  phase.setAttribute("role", "status");
  root.append(phase);
  if (progress.attempts.length > 0) root.append(renderAttempts(progress.attempts, true));
  return root;
}
