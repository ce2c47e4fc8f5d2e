// Code whose server trial run was skipped because it needs a package installed for the panel only: the panel shows
// the skip as a finding, and a failure in the panel becomes the problem of the next repair attempt.
import assert from "node:assert/strict";
import { test } from "node:test";
import { panelFailureProblem, trialRunFindings } from "./out/session.mjs";

const run = (status, message) => ({ status, stdout: "", stderr: "", message, elapsedMs: 3, outputs: [] });

test("a skipped trial run shows as an info finding naming the package, and a passed one shows nothing", () => {
  assert.deepEqual(trialRunFindings(run("skipped", "skipped: needs pandas (panel only)")), [
    { ruleId: "trial-run", severity: "info", message: "Server trial run skipped: needs pandas (panel only)" },
  ]);
  assert.deepEqual(trialRunFindings(run("ok")), []);
  assert.deepEqual(trialRunFindings(undefined), []);
});

test("a panel failure is sent back with its traceback, keeping the end of a long one", () => {
  const summary = { status: "error", stdout: "", stderr: "", error: "Traceback ...\nKeyError: 'region'", outputs: [], elapsedMs: 5 };
  const problem = panelFailureProblem(summary);
  assert.match(problem, /failed when it ran in the review panel \(Pyodide\):\n\nTraceback \.\.\.\nKeyError: 'region'$/);
  const long = panelFailureProblem({ ...summary, error: `${"x".repeat(10_000)}\nValueError: last line` });
  assert.ok(long.length < 7000);
  assert.match(long, /ValueError: last line$/);
});
