// Export Session as Notebook: the session's cells become a valid nbformat 4.5 notebook (checked against the
// schema's required keys and allowed output types), with stream, display_data (each output's MIME bundle, so
// JupyterLab draws the same chart) and error outputs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { displayData, lines, notebookJson, toNotebook } from "./out/record/notebook.mjs";

const spec = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  data: { values: [{ region: "North", total: 12 }, { region: "South", total: 7 }] },
  mark: "bar",
  encoding: { x: { field: "region", type: "nominal" }, y: { field: "total", type: "quantitative" } },
};
const chart = { mime: "application/vnd.vegalite.v6+json", text: JSON.stringify(spec) };

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
        case "display_data":
          assert.ok(multiline(o.data["text/plain"]), "every bundle has a text/plain fallback");
          for (const [mime, value] of Object.entries(o.data)) {
            // nbformat: JSON types are JSON values, every other type a multiline string (or one string for base64).
            if (/^application\/(.*\+)?json$/.test(mime)) assert.equal(typeof value, "object", mime);
            else assert.ok(typeof value === "string" || multiline(value), mime);
          }
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
    cell({
      result: { status: "ok", stdout: "total 12\n", stderr: "warn\n", error: null, outputLimit: null, outputs: [{ mime: "text/plain", text: "1" }, chart], elapsedMs: 5 },
      decision: "accept",
    }),
    cell({
      id: "c2",
      prompt: "Divide",
      code: "1/0",
      result: {
        status: "error",
        stdout: "",
        stderr: "",
        error: 'Traceback (most recent call last):\n  File "<cell>", line 1\nZeroDivisionError: division by zero\n',
        outputLimit: null,
        outputs: [],
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
  assert.deepEqual(first.outputs.map((o) => o.output_type), ["stream", "stream", "display_data", "display_data"]);
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

test("a Vega-Lite chart is exported as a JSON object under its own MIME type, v6 and v5 alike", () => {
  for (const mime of ["application/vnd.vegalite.v6+json", "application/vnd.vegalite.v5+json"]) {
    const out = displayData({ mime, text: JSON.stringify(spec) }, 0);
    assert.equal(out.output_type, "display_data");
    assert.deepEqual(out.data[mime], spec, "the spec itself, not its text");
    assert.deepEqual(out.data["text/plain"], ["<Vega-Lite chart chart-1>"]);
    assert.deepEqual(out.metadata, {});
  }
});

test("a PNG is exported as base64 and SVG, HTML and Markdown as multiline text", () => {
  const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
  assert.equal(displayData({ mime: "image/png", base64: png }, 0).data["image/png"], png);
  const svg = '<svg xmlns="http://www.w3.org/2000/svg">\n<rect width="4" height="4"/>\n</svg>';
  assert.deepEqual(displayData({ mime: "image/svg+xml", text: svg }, 1).data["image/svg+xml"], ['<svg xmlns="http://www.w3.org/2000/svg">\n', '<rect width="4" height="4"/>\n', "</svg>"]);
  assert.deepEqual(displayData({ mime: "text/html", text: "<b>a</b>\n<i>b</i>\n" }, 2).data["text/html"], ["<b>a</b>\n", "<i>b</i>\n"]);
  const md = displayData({ mime: "text/markdown", text: "# Totals\n\n- North: 12" }, 3);
  assert.deepEqual(md.data["text/markdown"], ["# Totals\n", "\n", "- North: 12"]);
  assert.deepEqual(md.data["text/plain"], ["<Markdown output-4>"], "the fallback names the output as the panel does");
});

test("a file written under /output keeps its name in the metadata and the fallback", () => {
  const out = displayData({ mime: "image/svg+xml", text: "<svg/>", name: "figures/bars.svg" }, 2);
  assert.deepEqual(out.metadata, { agentcode: { name: "figures/bars.svg" } });
  assert.deepEqual(out.data["text/plain"], ["<SVG image /output/figures/bars.svg>"]);
  const chartFile = displayData({ ...chart, name: "sales.vl.json" }, 0);
  assert.deepEqual(chartFile.data["application/vnd.vegalite.v6+json"], spec);
  assert.deepEqual(chartFile.metadata, { agentcode: { name: "sales.vl.json" } });
});

test("text/plain is exported as itself, and what a reader could not draw becomes a text/plain note", () => {
  assert.deepEqual(displayData({ mime: "text/plain", text: "a\nb" }, 0).data, { "text/plain": ["a\n", "b"] });
  const binary = displayData({ mime: "application/octet-stream", base64: "AAEC", name: "model.bin" }, 1);
  assert.deepEqual(binary.data, { "text/plain": ["[file /output/model.bin (application/octet-stream), kept in the AgentCode panel]"] });
  assert.deepEqual(binary.metadata, { agentcode: { name: "model.bin" } });
  assert.deepEqual(displayData({ mime: "application/json", text: "{not json" }, 2).data, { "text/plain": ["{not json"] });
});

test("the exported notebook holds the chart's MIME bundle, and a passed output cap as a stderr line", () => {
  const nb = JSON.parse(
    notebookJson([
      cell({
        result: {
          status: "output-limit",
          stdout: "",
          stderr: "",
          error: null,
          outputLimit: "The program wrote more than 64 files under /output.",
          outputs: [chart],
          elapsedMs: 9,
        },
      }),
    ]),
  );
  assertValidNotebook(nb);
  const outputs = nb.cells[1].outputs;
  assert.deepEqual(outputs[0].data["application/vnd.vegalite.v6+json"], spec);
  assert.deepEqual(outputs[1], { output_type: "stream", name: "stderr", text: ["The program wrote more than 64 files under /output.\n"] });
  assert.equal(nb.cells[1].metadata.agentcode.status, "output-limit");
});
