// Text shown for sandbox runs: the notification summary and the output channel report, both naming the run's
// outputs (charts, images, /output files), and the server run's summary in the panel's shape.
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatRunOutput, runSummaryLine } from "./out/run/run_format.mjs";
import { hasVisualOutputs } from "./out/output_names.mjs";
import { summaryOfServerRun } from "./out/session.mjs";

const ok = { status: "ok", stdout: "a\nb\n", stderr: "", elapsedMs: 1234, outputs: [] };
const chart = { mime: "application/vnd.vegalite.v6+json", text: '{"mark": "bar"}' };
const failed = {
  status: "error",
  stdout: "",
  stderr: "",
  error: { type: "ZeroDivisionError", message: "division by zero", traceback: "Traceback...\nZeroDivisionError: division by zero\n", line: 3 },
  elapsedMs: 10,
  outputs: [],
};

test("a successful run is summarised with its time and line count", () => {
  assert.equal(runSummaryLine("a.py", ok), "a.py ran in 1.23 s: 2 lines of output.");
});

test("a failure names the exception and the line", () => {
  assert.equal(runSummaryLine("a.py", failed), "a.py failed at line 3: ZeroDivisionError: division by zero");
  assert.equal(runSummaryLine("a.py", { status: "timeout", stdout: "", stderr: "", message: "The run took longer than 10 s.", elapsedMs: 10000, outputs: [] }), "a.py stopped (timeout): The run took longer than 10 s.");
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
    error: "Traceback...\nZeroDivisionError: division by zero\n",
    outputLimit: null,
    outputs: [],
    elapsedMs: 10,
  });
  assert.equal(summaryOfServerRun({ status: "memory", stdout: "", stderr: "", message: "Out of memory", elapsedMs: 1, outputs: [] }).status, "failed");
});

test("a server run that passed an output cap keeps its outputs and the cap's sentence, like a panel run", () => {
  const sentence = "The program wrote more than 64 files under /output.";
  const s = summaryOfServerRun({ status: "output-limit", stdout: "", stderr: "", message: sentence, elapsedMs: 5, outputs: [chart] });
  assert.deepEqual(s, { status: "output-limit", stdout: "", stderr: "", error: null, outputLimit: sentence, outputs: [chart], elapsedMs: 5 });
});

test("a run that drew a chart and wrote a file names both outputs in the summary", () => {
  const run = { ...ok, outputs: [chart, { mime: "image/svg+xml", text: "<svg/>", name: "bars.svg" }] };
  assert.equal(runSummaryLine("a.py", run), "a.py ran in 1.23 s: 2 lines of output; 2 outputs: chart-1 (Vega-Lite chart), /output/bars.svg (SVG image).");
  assert.equal(
    runSummaryLine("a.py", { ...failed, outputs: [chart] }),
    "a.py failed at line 3: ZeroDivisionError: division by zero; 1 output: chart-1 (Vega-Lite chart)",
    "outputs made before a failure are named too",
  );
});

test("the summary names five outputs and counts the rest", () => {
  const many = Array.from({ length: 7 }, (_, i) => ({ mime: "text/plain", text: String(i) }));
  assert.match(runSummaryLine("a.py", { ...ok, outputs: many }), /7 outputs: output-1 \(text\), .*output-5 \(text\), and 2 more\.$/);
});

test("the output report lists each output with its type and size, and shows text outputs", () => {
  const report = formatRunOutput("a.py", { ...ok, outputs: [chart, { mime: "text/markdown", text: "# Totals\n" }, { mime: "image/png", base64: "iVBORw0KGgo=" }] });
  assert.match(report, /--- outputs .*---\nchart-1 \(Vega-Lite chart, application\/vnd.vegalite.v6\+json, 15 bytes\)\noutput-2 \(Markdown, text\/markdown, 9 bytes\)\n# Totals\noutput-3 \(PNG image, image\/png, 8 bytes\)$/);
});

test("a run without outputs has no outputs section", () => {
  assert.doesNotMatch(formatRunOutput("a.py", ok), /outputs/);
});

test("charts, images, HTML and Markdown need the panel; text and JSON do not", () => {
  assert.equal(hasVisualOutputs([chart]), true);
  assert.equal(hasVisualOutputs([{ mime: "text/markdown", text: "# a" }]), true);
  assert.equal(hasVisualOutputs([{ mime: "text/plain", text: "a" }, { mime: "application/json", text: "{}" }]), false);
});

test("a FileNotFoundError under /data says how to attach data, and other errors do not", async () => {
  const { missingDataHint } = await import("./out/run/run_format.mjs");
  const failed = (type, message) => ({ status: "error", stdout: "", stderr: "", elapsedMs: 1, outputs: [], error: { type, message, traceback: "" } });
  assert.equal(
    missingDataHint(failed("FileNotFoundError", "[Errno 44] No such file or directory: '/data/sales.csv'")),
    "No data file is attached at /data/sales.csv: use 'AgentCode: Run File with Data…' or the agentcode.run.dataFiles setting to mount one.",
  );
  assert.equal(missingDataHint(failed("FileNotFoundError", "[Errno 2] No such file or directory: 'notes.txt'")), undefined);
  assert.equal(missingDataHint(failed("NameError", "name '/data/x' is not defined")), undefined);
});
