// The server's story as the panel receives it: a generation's attempts in the panel's shape (within the panel
// protocol's bounds), and the causes a failure notification names.
import assert from "node:assert/strict";
import { test } from "node:test";
import { attemptCauses, lastGeneratedCode, panelAttempts, panelCapabilities } from "./out/session.mjs";

const range = { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } };
const failed = {
  attempt: 1,
  reply: "```python\nprint(totl)\n```",
  code: "print(totl)\n",
  check: { syntaxErrors: [], findings: [{ ruleId: "AC100", severity: "warning", range, message: "a finding" }], blocking: false },
  run: {
    status: "error",
    stdout: "",
    stderr: "",
    error: { type: "NameError", message: "name 'totl' is not defined", traceback: "Traceback...\nNameError: name 'totl' is not defined" },
    elapsedMs: 12.4,
    outputs: [],
  },
  error: { kind: "runtime", message: "NameError: name 'totl' is not defined" },
};
const passed = { attempt: 2, reply: "", code: "print(1)\n", check: { syntaxErrors: [], findings: [], blocking: false }, run: { status: "ok", stdout: "1\n", stderr: "", elapsedMs: 3, outputs: [] } };

test("attempts reach the panel with their code, findings, trial run (traceback as the error) and reason", () => {
  const [first, second] = panelAttempts([failed, passed]);
  assert.deepEqual(first, {
    attempt: 1,
    code: "print(totl)\n",
    findings: [{ ruleId: "AC100", severity: "warning", message: "a finding", line: 1 }],
    run: { status: "error", stdout: "", stderr: "", error: "Traceback...\nNameError: name 'totl' is not defined", outputs: [], elapsedMs: 12 },
    error: { kind: "runtime", message: "NameError: name 'totl' is not defined" },
  });
  assert.equal(second.error, null);
  assert.equal(second.run.stdout, "1\n");
});

test("an attempt blocked by its check has no trial run, and one without code has null code", () => {
  const [blocked] = panelAttempts([{ attempt: 1, reply: "no code here", error: { kind: "no-code", message: "no code block" } }]);
  assert.equal(blocked.code, null);
  assert.equal(blocked.run, null);
  assert.deepEqual(blocked.findings, []);
});

test("the failure notification names the cause of each failed attempt", () => {
  assert.equal(attemptCauses([failed, passed]), "Attempt 1: runtime: NameError: name 'totl' is not defined");
  assert.equal(attemptCauses([passed]), "");
});

test("the generated code of a cell is its last attempt's code; a cell the server did not generate has none", () => {
  const attempt = (n, code) => ({ attempt: n, code, findings: [], run: null, error: null });
  assert.equal(lastGeneratedCode({ attempts: [attempt(1, "print(1)"), attempt(2, "print(2)"), attempt(3, null)] }), "print(2)");
  assert.equal(lastGeneratedCode({ attempts: [] }), undefined);
});

test("a check's capability summary reaches the panel as it is, and a check without one gives null", () => {
  const check = { syntaxErrors: [], findings: [], blocking: false, capabilities: { reads: ["/data/a.csv"], writesOutput: false, imports: ["csv"] } };
  assert.deepEqual(panelCapabilities(check), { reads: ["/data/a.csv"], writesOutput: false, imports: ["csv"] });
  assert.equal(panelCapabilities({ syntaxErrors: [], findings: [], blocking: true }), null);
  assert.equal(panelCapabilities(undefined), null);
});
