// Text shown for sandbox runs: the notification summary and the output channel report.
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatRunOutput, runSummaryLine } from "./out/run_format.mjs";
import { summaryOfServerRun } from "./out/session.mjs";

const ok = { status: "ok", stdout: "a\nb\n", stderr: "", elapsedMs: 1234 };
const failed = {
  status: "error",
  stdout: "",
  stderr: "",
  error: { type: "ZeroDivisionError", message: "division by zero", traceback: "Traceback...\nZeroDivisionError: division by zero\n", line: 3 },
  elapsedMs: 10,
};

test("a successful run is summarised with its time and line count", () => {
  assert.equal(runSummaryLine("a.py", ok), "a.py ran in 1.23 s: 2 lines of output.");
});

test("a failure names the exception and the line", () => {
  assert.equal(runSummaryLine("a.py", failed), "a.py failed at line 3: ZeroDivisionError: division by zero");
  assert.equal(runSummaryLine("a.py", { status: "timeout", stdout: "", stderr: "", message: "The run took longer than 10 s.", elapsedMs: 10000 }), "a.py stopped (timeout): The run took longer than 10 s.");
});

test("the output report has stdout and the traceback", () => {
  assert.match(formatRunOutput("a.py", ok), /--- stdout ---\na\nb$/);
  assert.match(formatRunOutput("a.py", failed), /--- error ---\nTraceback...\nZeroDivisionError: division by zero$/);
});

test("a server run converts to the panel's summary shape", () => {
  assert.deepEqual(summaryOfServerRun(failed), {
    status: "error",
    stdout: "",
    stderr: "",
    repr: null,
    error: "Traceback...\nZeroDivisionError: division by zero\n",
    images: 0,
    html: false,
    elapsedMs: 10,
  });
  assert.equal(summaryOfServerRun({ status: "memory", stdout: "", stderr: "", message: "Out of memory", elapsedMs: 1 }).status, "failed");
});
