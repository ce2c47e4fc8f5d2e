// The run record: one JSON object per line in .agentcode/runs.jsonl with time, event, prompt, model, the code's
// sha256, findings, an outputs summary and the decision; appending keeps earlier lines.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { appendRecord, makeRecord, recordLine } from "./out/record.mjs";

const summary = { status: "ok", stdout: "total 12\n", stderr: "", repr: null, error: null, images: 1, html: false, elapsedMs: 12.6 };

test("a decision record names the prompt, model, code hash, findings, outputs and decision", () => {
  const r = makeRecord({
    event: "decision",
    cell: "c1",
    prompt: "Print the total",
    model: "test-model",
    code: "print(12)\n",
    findings: [{ ruleId: "AC103", severity: "warning", message: "m", line: 2 }],
    outputs: summary,
    decision: "accept",
    now: new Date("2026-11-25T10:00:00Z"),
  });
  assert.deepEqual(r, {
    time: "2026-11-25T10:00:00.000Z",
    event: "decision",
    cell: "c1",
    prompt: "Print the total",
    model: "test-model",
    endpoint: null,
    codeSha256: createHash("sha256").update("print(12)\n").digest("hex"),
    findings: [{ ruleId: "AC103", severity: "warning", line: 2 }],
    outputs: { status: "ok", stdout: "total 12\n", stderr: "", error: null, images: 1, elapsedMs: 13 },
    decision: "accept",
    error: null,
  });
});

test("a record is exactly one line even when the prompt and output contain newlines", () => {
  const line = recordLine(
    makeRecord({ event: "run", cell: "c2", prompt: "a\nb", model: null, code: "x", findings: [], outputs: { ...summary, stdout: "1\n2\n" }, decision: null }),
  );
  assert.equal(line.split("\n").length, 2);
  assert.ok(line.endsWith("\n"));
  assert.equal(JSON.parse(line).prompt, "a\nb");
});

test("a generation without code records no code hash", () => {
  const r = makeRecord({ event: "generate", cell: "c4", prompt: "p", model: "m", code: "", findings: [], outputs: null, decision: null, error: "unauthorized" });
  assert.equal(r.codeSha256, null);
  assert.equal(r.error, "unauthorized");
});

test("a generation records the endpoint origin it went to, in the field after the model", () => {
  const r = makeRecord({ event: "generate", cell: "c5", prompt: "p", model: "m", code: "x", findings: [], outputs: null, decision: null, endpoint: "http://127.0.0.1:8080" });
  assert.equal(r.endpoint, "http://127.0.0.1:8080");
  assert.deepEqual(Object.keys(r).slice(3, 6), ["prompt", "model", "endpoint"]);
});

test("long outputs are summarised, not copied whole", () => {
  const r = makeRecord({ event: "run", cell: "c3", prompt: "p", model: null, code: "x", findings: [], outputs: { ...summary, stdout: "x".repeat(10_000) }, decision: null });
  assert.ok(r.outputs.stdout.length <= 501);
});

test("appending creates .agentcode/runs.jsonl and keeps the earlier lines", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-record-"));
  try {
    const base = { cell: "c", prompt: "p", model: "m", code: "print(1)", findings: [], outputs: null };
    await appendRecord(dir, makeRecord({ ...base, event: "generate", decision: null }));
    const file = await appendRecord(dir, makeRecord({ ...base, event: "decision", decision: "reject" }));
    assert.equal(file, path.join(dir, ".agentcode", "runs.jsonl"));
    const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l.event, l.decision]), [["generate", null], ["decision", "reject"]]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("saving a figure is recorded as a save-figure decision of its cell", () => {
  const r = makeRecord({ event: "decision", cell: "c2", prompt: "Plot it", model: null, code: "x = 1\n", findings: [], outputs: summary, decision: "save-figure" });
  assert.equal(r.event, "decision");
  assert.equal(r.decision, "save-figure");
  assert.equal(r.outputs.images, 1);
  assert.equal(JSON.parse(recordLine(r)).decision, "save-figure");
});
