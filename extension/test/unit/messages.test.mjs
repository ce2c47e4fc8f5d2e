// What the extension does with messages from the panel: every payload is validated first; malformed ones and
// Fix requests for unknown cells are dropped, never acted on.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkedMessage, decide, fixPrompt, maxAcceptedCode } from "./out/panel/messages.mjs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

// The panel's own validator of host messages: what the page would accept.
const protocolBundle = await build({
  entryPoints: [join(dirname(fileURLToPath(import.meta.url)), "../../../webview-pyodide/src/protocol.ts")],
  bundle: true, format: "esm", platform: "node", write: false, logLevel: "warning",
});
const { parseHostMessage } = await import(`data:text/javascript;base64,${Buffer.from(protocolBundle.outputFiles[0].text).toString("base64")}`);
import { Session } from "./out/session.mjs";

function session() {
  const s = new Session();
  s.add({ id: "c1", prompt: "Sum", code: "print(1)", model: "m", findings: [], target: { kind: "new-file" }, dataPaths: [], dataFiles: [], result: null, decision: null });
  return s;
}

const summary = { status: "ok", stdout: "1\n", stderr: "", error: null, outputLimit: null, outputs: [], elapsedMs: 3 };

test("Accept from the panel carries the code the user saw and the session's cell", () => {
  const a = decide({ type: "cell/accept", id: "c1", code: "print(2)" }, session());
  assert.equal(a.kind, "accept");
  assert.equal(a.code, "print(2)");
  assert.equal(a.cell.prompt, "Sum");
});

test("Accept of a cell restored from an earlier session is still honoured, without a known target", () => {
  const a = decide({ type: "cell/accept", id: "old", code: "x = 1" }, session());
  assert.equal(a.kind, "accept");
  assert.equal(a.cell, undefined);
});

test("malformed messages are ignored with a reason", () => {
  for (const raw of [null, "cell/accept", 42, [], {}, { type: "cell/accept", id: "c1" }, { type: "cell/accept", code: "x" }, { type: "cell/accept", id: "c1", code: 5 }, { type: "shell/exec", cmd: "rm -rf /" }, { type: "cell/result", id: "c1", summary: { status: "ok" } }]) {
    const a = decide(raw, session());
    assert.equal(a.kind, "ignore", `not ignored: ${JSON.stringify(raw)}`);
    assert.ok(a.reason.length > 0);
  }
});

test("oversized code in an accept is refused", () => {
  const a = decide({ type: "cell/accept", id: "c1", code: "x".repeat(maxAcceptedCode + 1) }, session());
  assert.equal(a.kind, "ignore");
});

test("Fix of an unknown cell is ignored; of a known one it carries the feedback", () => {
  assert.equal(decide({ type: "cell/fix", id: "nope", feedback: "f" }, session()).kind, "ignore");
  const a = decide({ type: "cell/fix", id: "c1", feedback: "use pandas" }, session());
  assert.equal(a.kind, "fix");
  assert.equal(a.feedback, "use pandas");
});

test("ready, page errors, reject and results are recognised", () => {
  const s = session();
  assert.equal(decide({ type: "webview/ready" }, s).kind, "ready");
  assert.deepEqual(decide({ type: "webview/error", message: "load timeout" }, s), { kind: "page-error", message: "load timeout" });
  assert.equal(decide({ type: "cell/reject", id: "c1" }, s).kind, "reject");
  const r = decide({ type: "cell/result", id: "c1", summary }, s);
  assert.equal(r.kind, "result");
  assert.equal(r.summary.stdout, "1\n");
});

test("a result with a chart and an /output file keeps its outputs in order; outputs outside the contract are refused", () => {
  const s = session();
  const outputs = [
    { mime: "application/vnd.vegalite.v5+json", text: '{"mark": "bar"}' },
    { mime: "image/svg+xml", text: "<svg/>", name: "bars.svg" },
  ];
  const r = decide({ type: "cell/result", id: "c1", summary: { ...summary, outputs } }, s);
  assert.equal(r.kind, "result");
  assert.deepEqual(r.summary.outputs, outputs);
  for (const bad of [
    { mime: "application/javascript", text: "alert(1)" },
    { mime: "image/png", text: "not base64 but text" },
    { mime: "text/html", text: "<b>x</b>", name: "../escape.html" },
  ]) {
    const a = decide({ type: "cell/result", id: "c1", summary: { ...summary, outputs: [bad] } }, s);
    assert.equal(a.kind, "ignore", `not ignored: ${JSON.stringify(bad)}`);
  }
});

test("the fix prompt keeps the original request, the feedback and the previous code", () => {
  const p = fixPrompt(session().get("c1"), "  print two  ");
  assert.match(p, /^Sum\n/);
  assert.match(p, /print two/);
  assert.match(p, /```python\nprint\(1\)\n```/);
  assert.match(fixPrompt(session().get("c1"), ""), /fix the problems/);
});

test("Save figure carries the decoded bytes; a path name, bad bytes or an oversize figure are never saved", () => {
  const png = Buffer.from("89504e470d0a1a0a0000000d4948445200", "hex");
  const msg = { type: "cell/saveFigure", id: "c1", name: "plot.png", mime: "image/png", base64: png.toString("base64") };
  const a = decide(msg, session());
  assert.equal(a.kind, "save-figure");
  assert.equal(a.name, "plot.png");
  assert.equal(a.mime, "image/png");
  assert.deepEqual(Buffer.from(a.bytes), png);
  assert.equal(a.cell.prompt, "Sum");
  assert.equal(decide({ ...msg, id: "old" }, session()).cell, undefined);

  for (const name of ["../plot.png", "figures/plot.png", "..png", "C:\\plot.png"]) assert.equal(decide({ ...msg, name }, session()).kind, "ignore", name);
  assert.equal(decide({ ...msg, base64: "A".repeat(40 * 1024 * 1024) }, session()).kind, "ignore");
  const refused = decide({ ...msg, base64: Buffer.from("not an image").toString("base64") }, session());
  assert.equal(refused.kind, "figure-refused");
  assert.match(refused.reason, /not a PNG/);
});

test("Check from the panel carries the edited code to check, also for a cell from an earlier session", () => {
  assert.deepEqual(decide({ type: "cell/check", id: "c1", code: "import json\n" }, session()), { kind: "check", id: "c1", code: "import json\n" });
  assert.deepEqual(decide({ type: "cell/check", id: "old", code: "x = 1" }, session()), { kind: "check", id: "old", code: "x = 1" });
  assert.equal(decide({ type: "cell/check", id: "c1" }, session()).kind, "ignore");
  assert.equal(decide({ type: "cell/check", id: "c1", code: "x".repeat(maxAcceptedCode + 1) }, session()).kind, "ignore");
});

test("the server's check goes back to the panel as cell/checked with its findings and capability summary", () => {
  const range = (line) => ({ start: { line, character: 0 }, end: { line, character: 4 } });
  const result = {
    syntaxErrors: [],
    findings: [{ ruleId: "AC103", severity: "warning", range: range(1), message: "writes or changes files" }],
    blocking: false,
    capabilities: { reads: ["/data/sales.csv"], writesOutput: true, imports: ["csv"] },
  };
  const message = checkedMessage("c1", "import csv\nopen('/output/x', 'w')\n", result);
  const parsed = parseHostMessage(message);
  assert.equal(parsed.ok, true, parsed.error);
  assert.deepEqual(parsed.value, {
    type: "cell/checked",
    id: "c1",
    code: "import csv\nopen('/output/x', 'w')\n",
    findings: [{ ruleId: "AC103", severity: "warning", message: "writes or changes files", line: 1 }],
    blocking: false,
    capabilities: { reads: ["/data/sales.csv"], writesOutput: true, imports: ["csv"] },
  });
  // Code that does not parse has a syntax error and no summary.
  const broken = checkedMessage("c1", "print(", { syntaxErrors: [{ message: "SyntaxError: '(' was never closed", range: range(0) }], findings: [], blocking: true });
  assert.equal(parseHostMessage(broken).ok, true);
  assert.equal(broken.capabilities, null);
  assert.equal(broken.findings[0].ruleId, "syntax");
});

test("a result names the code that ran, so the record shows edited code with its own output", () => {
  const r = decide({ type: "cell/result", id: "c1", summary, code: "print(2)" }, session());
  assert.equal(r.kind, "result");
  assert.equal(r.code, "print(2)");
  // Pages from before editing send no code: the session's code stands.
  assert.equal(decide({ type: "cell/result", id: "c1", summary }, session()).code, undefined);
});

test("a saved snapshot the page refused (its SHA-256 did not match) comes back as the key to delete, with the reason", () => {
  const reason = "The saved Python snapshot was not used: its SHA-256 does not match.";
  assert.deepEqual(decide({ type: "snapshot/rejected", key: "pyodide-0123", reason }, session()), { kind: "snapshot-rejected", key: "pyodide-0123", reason });
});
