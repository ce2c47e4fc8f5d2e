// Export Session as Notebook: the session's cells become a valid nbformat 4.5 notebook (checked against the
// schema's required keys and allowed output types), with stream, execute_result, display_data and error outputs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { lines, notebookJson, toNotebook } from "./out/notebook.mjs";

function cell(over) {
  return {
    id: "c1",
    prompt: "Print the total",
    code: 'print("total", 12)\nx = 1\n',
    model: "test-model",
    findings: [],
    target: { kind: "new-file" },
    dataPaths: [],
    dataFiles: [],
    result: null,
    decision: null,
    ...over,
  };
}

const multiline = (x) => Array.isArray(x) && x.every((s) => typeof s === "string") && x.slice(0, -1).every((s) => s.endsWith("\n"));

/** The parts of the nbformat v4.5 JSON schema a reader relies on. */
function assertValidNotebook(nb) {
  assert.equal(nb.nbformat, 4);
  assert.ok(nb.nbformat_minor >= 5);
  assert.equal(typeof nb.metadata, "object");
  const ids = new Set();
  for (const c of nb.cells) {
    assert.match(c.id, /^[a-zA-Z0-9-_]{1,64}$/);
    assert.ok(!ids.has(c.id), `duplicate cell id ${c.id}`);
    ids.add(c.id);
    assert.ok(multiline(c.source));
    assert.equal(typeof c.metadata, "object");
    if (c.cell_type === "markdown") {
      assert.deepEqual(Object.keys(c).sort(), ["cell_type", "id", "metadata", "source"]);
      continue;
    }
    assert.equal(c.cell_type, "code");
    assert.deepEqual(Object.keys(c).sort(), ["cell_type", "execution_count", "id", "metadata", "outputs", "source"]);
    assert.ok(c.execution_count === null || Number.isInteger(c.execution_count));
    for (const o of c.outputs) {
      switch (o.output_type) {
        case "stream":
          assert.ok(o.name === "stdout" || o.name === "stderr");
          assert.ok(multiline(o.text));
          break;
        case "execute_result":
          assert.ok(Number.isInteger(o.execution_count));
          assert.ok(multiline(o.data["text/plain"]));
          break;
        case "display_data":
          assert.ok(multiline(o.data["text/plain"]));
          assert.equal(typeof o.metadata, "object");
          break;
        case "error":
          assert.equal(typeof o.ename, "string");
          assert.equal(typeof o.evalue, "string");
          assert.ok(o.traceback.every((l) => typeof l === "string"));
          break;
        default:
          assert.fail(`unknown output_type ${o.output_type}`);
      }
    }
  }
}

test("lines keep their newlines the way nbformat stores multiline strings", () => {
  assert.deepEqual(lines("a\nb\n"), ["a\n", "b\n"]);
  assert.deepEqual(lines("a\nb"), ["a\n", "b"]);
  assert.deepEqual(lines(""), []);
});

test("a session with a run, a failure and an unrun cell exports as a valid notebook", () => {
  const cells = [
    cell({ result: { status: "ok", stdout: "total 12\n", stderr: "warn\n", repr: "1", error: null, images: 2, html: false, elapsedMs: 5 }, decision: "accept" }),
    cell({
      id: "c2",
      prompt: "Divide",
      code: "1/0",
      result: {
        status: "error",
        stdout: "",
        stderr: "",
        repr: null,
        error: 'Traceback (most recent call last):\n  File "<cell>", line 1\nZeroDivisionError: division by zero\n',
        images: 0,
        html: false,
        elapsedMs: 1,
      },
      decision: "reject",
    }),
    cell({ id: "c3", prompt: "Later" }),
  ];
  const nb = JSON.parse(notebookJson(cells));
  assertValidNotebook(nb);
  assert.equal(nb.cells.length, 6);
  assert.deepEqual(nb.cells[0].source, ["**Prompt** (accepted): Print the total"]);
  const first = nb.cells[1];
  assert.deepEqual(first.source, ['print("total", 12)\n', "x = 1\n"]);
  assert.deepEqual(first.outputs.map((o) => o.output_type), ["stream", "stream", "execute_result", "display_data"]);
  assert.deepEqual(first.outputs[0], { output_type: "stream", name: "stdout", text: ["total 12\n"] });
  const err = nb.cells[3].outputs.at(-1);
  assert.deepEqual([err.output_type, err.ename, err.evalue], ["error", "ZeroDivisionError", "division by zero"]);
  assert.equal(nb.cells[3].execution_count, 2);
  assert.deepEqual(nb.cells[5].outputs, []);
  assert.equal(nb.cells[5].execution_count, null);
});

test("an empty session is an empty but valid notebook", () => {
  const nb = toNotebook([]);
  assertValidNotebook(nb);
  assert.deepEqual(nb.cells, []);
});
