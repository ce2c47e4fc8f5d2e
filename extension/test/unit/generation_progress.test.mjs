// The generation's progress as the panel gets it (out/generation/generation_progress.mjs, bundled by build.mjs --tests): steps
// and finished attempts are posted at once, received characters at most every interval, and end() posts
// generation/end and nothing after it. A fake clock decides when time passes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GenerationProgress } from "./out/generation/generation_progress.mjs";

function fakeClock() {
  let now = 0;
  const timers = new Map();
  let next = 1;
  return {
    now: () => now,
    setTimeout: (fn, ms) => (timers.set(next, { at: now + ms, fn }), next++),
    clearTimeout: (h) => timers.delete(h),
    advance(ms) {
      now += ms;
      for (const [h, t] of [...timers]) if (t.at <= now) (timers.delete(h), t.fn());
    },
    pending: () => timers.size,
  };
}

function track(firstAttempt = 1) {
  const posted = [];
  const clock = fakeClock();
  const progress = new GenerationProgress("gen-1", "Plot sales by region", (m) => posted.push(m), firstAttempt, 250, clock);
  return { posted, clock, progress };
}

test("the panel hears of the generation at once, with its prompt and the first attempt", () => {
  const { posted } = track();
  assert.deepEqual(posted, [
    { type: "generation/progress", id: "gen-1", prompt: "Plot sales by region", attempt: 1, phase: "Asking the model", received: 0, attempts: [] },
  ]);
});

test("a repair generation starts at the attempt after its history", () => {
  const { posted } = track(3);
  assert.equal(posted[0].attempt, 3);
});

test("received characters are posted at most every interval, with the running total", () => {
  const { posted, clock, progress } = track();
  progress.tokens(1, 10); // right after the first post: held
  progress.tokens(1, 5);
  assert.equal(posted.length, 1);
  clock.advance(249);
  assert.equal(posted.length, 1);
  clock.advance(1);
  assert.equal(posted.length, 2);
  assert.equal(posted[1].received, 15);
  clock.advance(1000);
  progress.tokens(1, 1); // the interval has passed: at once
  assert.equal(posted.length, 3);
  assert.equal(posted[2].received, 16);
});

test("a step is posted at once, and a new attempt's step counts its characters from zero", () => {
  const { posted, progress } = track();
  progress.tokens(1, 40);
  progress.step("Attempt 1 of 3: checking");
  assert.equal(posted.at(-1).phase, "Attempt 1 of 3: checking");
  assert.equal(posted.at(-1).received, 40);
  progress.step("Attempt 2 of 3: asking test-model");
  assert.deepEqual([posted.at(-1).attempt, posted.at(-1).received], [2, 0]);
});

test("a finished attempt is posted at once in the panel's shape, with its error", () => {
  const { posted, progress } = track();
  progress.attemptDone({
    attempt: 1,
    reply: "```python\nprint(totl)\n```",
    code: "print(totl)",
    run: { status: "error", stdout: "", stderr: "", error: { type: "NameError", message: "name 'totl' is not defined", traceback: "NameError: name 'totl' is not defined" }, outputs: [], elapsedMs: 12.4 },
    error: { kind: "runtime", message: "NameError: name 'totl' is not defined" },
  });
  const last = posted.at(-1);
  assert.equal(last.attempts.length, 1);
  assert.equal(last.attempts[0].code, "print(totl)");
  assert.deepEqual(last.attempts[0].error, { kind: "runtime", message: "NameError: name 'totl' is not defined" });
});

test("end posts generation/end once, cancels a held post, and nothing is posted after it", () => {
  const { posted, clock, progress } = track();
  progress.tokens(1, 3); // held
  progress.end();
  progress.end();
  progress.step("Attempt 1 of 3: checking");
  clock.advance(1000);
  assert.deepEqual(posted.slice(1), [{ type: "generation/end", id: "gen-1" }]);
  assert.equal(clock.pending(), 0);
});
