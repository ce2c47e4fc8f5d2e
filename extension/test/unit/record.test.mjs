// The run record: one JSON object per line in .agentcode/runs.jsonl with time, event, prompt, model, the code's
// sha256, findings, an outputs summary (each output's name, MIME type and sha256) and the decision; appending
// keeps earlier lines.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { appendRecord, makeRecord, outputSha256, recordLine } from "./out/record/record.mjs";

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const spec = '{"mark": "bar", "data": {"values": [{"region": "Süd", "total": 7}]}}';
const summary = {
  status: "ok",
  stdout: "total 12\n",
  stderr: "",
  error: null,
  outputLimit: null,
  outputs: [
    { mime: "application/vnd.vegalite.v6+json", text: spec },
    { mime: "image/png", base64: png.toString("base64"), name: "plots/bars.png" },
  ],
  elapsedMs: 12.6,
};
const hex = (bytes) => createHash("sha256").update(bytes).digest("hex");
const items = [
  { name: null, mime: "application/vnd.vegalite.v6+json", sha256: hex(Buffer.from(spec, "utf8")) },
  { name: "plots/bars.png", mime: "image/png", sha256: hex(png) },
];

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
    outputs: { status: "ok", stdout: "total 12\n", stderr: "", error: null, outputLimit: null, items, elapsedMs: 13 },
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
  assert.deepEqual(r.outputs.items, items);
  assert.equal(JSON.parse(recordLine(r)).decision, "save-figure");
});

test("each output is listed with its name, MIME type and the sha256 of its decoded bytes", () => {
  const r = makeRecord({ event: "run", cell: "c5", prompt: "Chart", model: null, code: "x", findings: [], outputs: summary, decision: null });
  assert.deepEqual(r.outputs.items, items);
  // The PNG's hash is that of its bytes, not of its base64 text; the chart's that of its UTF-8 text.
  assert.notEqual(r.outputs.items[1].sha256, hex(Buffer.from(summary.outputs[1].base64, "utf8")));
  assert.equal(r.outputs.items[1].sha256, outputSha256({ mime: "image/png", base64: png.toString("base64") }));
  assert.ok(!JSON.stringify(r).includes(summary.outputs[1].base64), "the record holds hashes, not the outputs themselves");
});

test("a run that passed an output cap records the status and the sentence", () => {
  const sentence = "The program wrote more than 32 MiB under /output.";
  const r = makeRecord({
    event: "run",
    cell: "c6",
    prompt: "p",
    model: null,
    code: "x",
    findings: [],
    outputs: { ...summary, status: "output-limit", outputLimit: sentence },
    decision: null,
  });
  assert.equal(r.outputs.status, "output-limit");
  assert.equal(r.outputs.outputLimit, sentence);
});
