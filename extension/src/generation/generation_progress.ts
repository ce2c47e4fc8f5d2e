/**
 * The generation's progress as the panel shows it: the server's steps (work-done progress), the characters of the
 * model's reply received, and the attempts already sent back to the model, turned into `generation/progress`
 * messages. A new step or attempt is posted at once; received characters at most every `intervalMs`, so a fast
 * stream does not flood the page. `end()` posts `generation/end` and stops any pending post. No `vscode` import:
 * the caller gives the post function and the clock (unit-tested).
 */
import type { HostMessage } from "../../../webview-pyodide/src/protocol";
import type { AttemptInfo } from "../lsp_ext";
import { panelAttempts } from "../session";

export interface ProgressClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: ProgressClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class GenerationProgress {
  private phase = "Asking the model";
  private attempt: number;
  private received = 0;
  private readonly attempts: AttemptInfo[] = [];
  private lastPost = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private ended = false;

  constructor(
    private readonly id: string,
    private readonly prompt: string,
    private readonly post: (message: HostMessage) => void,
    firstAttempt = 1,
    private readonly intervalMs = 250,
    private readonly clock: ProgressClock = realClock,
  ) {
    this.attempt = firstAttempt;
    this.flush();
  }

  /** A server step ("Attempt 2 of 3: checking"): shown at once. */
  step(message: string): void {
    this.phase = message;
    const n = /^Attempt (\d+)\b/.exec(message);
    if (n !== null && Number(n[1]) !== this.attempt) {
      this.attempt = Number(n[1]);
      this.received = 0;
    }
    this.flush();
  }

  /** Characters of the model's reply to `attempt`: shown at most every intervalMs. */
  tokens(attempt: number, count: number): void {
    if (attempt !== this.attempt) {
      this.attempt = attempt;
      this.received = 0;
    }
    this.received += count;
    if (this.ended || this.timer !== undefined) return;
    const wait = this.lastPost + this.intervalMs - this.clock.now();
    if (wait <= 0) this.flush();
    else this.timer = this.clock.setTimeout(() => this.flush(), wait);
  }

  /** An attempt finished (it failed and goes back to the model, or it passed): shown at once. */
  attemptDone(info: AttemptInfo): void {
    this.attempts.push(info);
    this.flush();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.post({ type: "generation/end", id: this.id });
  }

  private flush(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.ended) return;
    this.lastPost = this.clock.now();
    this.post({
      type: "generation/progress",
      id: this.id,
      prompt: this.prompt,
      attempt: this.attempt,
      phase: this.phase,
      received: this.received,
      attempts: panelAttempts(this.attempts),
    });
  }
}
