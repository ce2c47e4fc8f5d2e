// End to end in code-server: charts. "AgentCode: Choose Data Files and Generate..." picks the example sales.csv in
// VS Code's own file dialog, the prompt asks for a bar chart of total sales per region, and the scripted model
// answers with a standard-library program that sums the CSV per region and displays a Vega-Lite spec. The server's
// trial run passes (the generate record lists the chart with its hash), the panel draws an SVG chart with one bar
// per region (3, counted in the webview's DOM) and the same spec (the panel run's hash equals the server's), a real
// click on "Save as SVG" writes figures/chart-1.svg through the save dialog, and "Export Session as Notebook" writes
// an .ipynb whose output carries the Vega-Lite MIME type with the spec as JSON. A second scenario has the model
// answer first with an invalid spec (mark "barz"): the trial run fails with the schema's sentence, the repair
// request carries it to the model, and the corrected chart is drawn. Screenshots are kept in
// .artifacts/e2e-charts/ at the repository root (git-ignored); on failure the logs are copied next to them.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { pollUntil, quietWorkbench, startCodeServer, stopPolling, withArtifacts } from "./code_server.mjs";
import { codeReply, startOpenAiServer } from "./openai_server.mjs";
import { newestVsix } from "../../scripts/verify-vsix.mjs";
import { answerFileDialog, answerInputBox, failOnVisibleError, findWebviewFrame, launchBrowser, notificationMessages, openWorkbench, runCommand } from "./workbench.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionDir = path.resolve(here, "..", "..");
const repo = path.resolve(extensionDir, "..");
const artifacts = path.join(repo, ".artifacts", "e2e-charts");
const vegaLite = "application/vnd.vegalite.v6+json";

/** A program that sums /data/sales.csv per region and displays a bar chart of the totals with the given mark. */
function chartProgram(mark, { importDisplay = false } = {}) {
  return `${importDisplay ? "from IPython.display import display\n" : ""}import csv

totals = {}
with open("/data/sales.csv", newline="") as f:
    for row in csv.DictReader(f):
        totals[row["region"]] = totals.get(row["region"], 0.0) + float(row["amount"])

rows = [{"region": region, "total": round(total, 2)} for region, total in sorted(totals.items())]
spec = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
    "title": "Total sales per region",
    "data": {"values": rows},
    "mark": "${mark}",
    "encoding": {
        "x": {"field": "region", "type": "nominal", "title": "Region"},
        "y": {"field": "total", "type": "quantitative", "title": "Total sales"},
    },
}
display({"${vegaLite}": spec}, raw=True)
print(len(rows), "regions")
`;
}

let openai;
let codeServer;
let browser;
let workspace;

before(async () => {
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  openai = await startOpenAiServer({ replies: [] });
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-e2e-charts-"));
  fs.copyFileSync(path.join(repo, "examples", "sales.csv"), path.join(workspace, "sales.csv"));
  codeServer = await startCodeServer({
    vsix: process.env.AGENTCODE_VSIX ?? newestVsix(extensionDir),
    env: { AGENTCODE_API_KEY: "sk-e2e-charts" },
    settings: {
      "agentcode.llm.baseUrl": openai.baseUrl,
      "agentcode.llm.model": "test-model",
      "agentcode.trace": "verbose",
      "security.workspace.trust.enabled": false,
      ...quietWorkbench,
      ...JSON.parse(process.env.AGENTCODE_E2E_SETTINGS ?? "{}"),
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await codeServer?.stop();
  await openai?.close();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

async function screenshot(name) {
  const file = path.join(artifacts, `${name}.png`);
  await browser.page.screenshot({ path: file });
  return file;
}

/** What a failure of a scenario here leaves for inspection (withArtifacts). */
const scene = () => ({ page: browser?.page, codeServer, workspace, dir: artifacts });

let workbenchOpen = false;

async function workbench() {
  if (!workbenchOpen) {
    await openWorkbench(browser.page, codeServer.url, workspace);
    workbenchOpen = true;
  }
  return browser.page;
}

/** The records of .agentcode/runs.jsonl once `found(records)` holds. */
async function recordsWhen(what, found) {
  return pollUntil(
    what,
    () => {
      const log = path.join(workspace, ".agentcode", "runs.jsonl");
      const records = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
      return found(records) ? records : null;
    },
    { timeoutMs: 60_000 },
  );
}

/** Generates with sales.csv picked in the file dialog, and returns the panel frame and cell once its run finished. */
async function generateWithSales(page, prompt) {
  await runCommand(page, "AgentCode: Choose Data Files and Generate");
  await answerFileDialog(page, "data files for the generated code", { file: path.join(workspace, "sales.csv") });
  await answerInputBox(page, "AgentCode: Generate Python", prompt);
  // The server asks the model, checks and trial-runs the code (python.wasm compiles on a cold cache); the panel then
  // loads Pyodide and runs it. Generous: 2 busy cores.
  const finished = (state) => `section.cell:has(.prompt:text-is("${prompt}"))[data-run="${state}"]`;
  const frame = await pollUntil(
    "the AgentCode Sandbox panel to show the cell's finished run",
    async () => {
      await failOnVisibleError(page);
      return (await findWebviewFrame(page, finished("ok"))) ?? (await findWebviewFrame(page, `${finished("error")}, ${finished("failed")}`));
    },
    { timeoutMs: 360_000, intervalMs: 1000 },
  );
  const cell = frame.locator(`section.cell:has(.prompt:text-is("${prompt}"))`).last();
  const traceback = (await cell.locator("pre.traceback").allInnerTexts()).join("\n");
  assert.equal(await cell.getAttribute("data-run"), "ok", `the panel run failed: ${traceback}`);
  return { frame, cell };
}

/** Waits for the cell's chart to be drawn and returns the number of bars in its SVG. */
async function drawnBars(cell) {
  const chart = cell.locator("figure.output-chart");
  await pollUntil(
    "the chart to be drawn",
    async () => {
      const state = await chart.first().getAttribute("data-chart").catch(() => null);
      if (state === "failed") throw stopPolling(`the chart failed: ${await chart.first().innerText()}`);
      return state === "drawn";
    },
    { timeoutMs: 60_000 },
  );
  assert.equal(await chart.count(), 1, "one chart in the cell");
  assert.equal(await chart.locator(".chart-view svg").count(), 1, "drawn as SVG");
  return chart.locator("svg .mark-rect path").count();
}

test("A bar chart of total sales per region is drawn in the panel, saved as SVG and exported in the notebook", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = await workbench();
    const prompt = "Bar chart of total sales per region";
    const code = chartProgram("bar");
    openai.enqueue(codeReply(code));
    const requestsBefore = openai.requests.length;

    const { cell } = await generateWithSales(page, prompt);
    assert.equal(openai.requests.length, requestsBefore + 1, "the first reply passed the trial run: no repair request");
    assert.ok(openai.requests.at(-1).body.includes("/data/sales.csv"), "the model was told about the data file");
    assert.match(openai.requests.at(-1).body, /Vega-Lite/, "the model was told the chart route");
    assert.match(await cell.locator("pre.stdout").innerText(), /^3 regions$/m);
    assert.equal(await drawnBars(cell), 3, "one bar per region");
    const svgText = await cell.locator(".chart-view svg").first().evaluate((svg) => svg.textContent ?? "");
    for (const region of ["north", "south", "west"]) assert.ok(svgText.includes(region), `the axis names ${region}`);
    await cell.locator("figure.output-chart").scrollIntoViewIfNeeded();
    t.diagnostic(`screenshot: ${await screenshot("chart-in-panel")}`);
    t.diagnostic(`notifications: ${JSON.stringify(await notificationMessages(page))}`);

    // The server's trial run and the panel's run produced the same chart: the record hashes each output.
    const records = await recordsWhen("the run record to hold the generation and the panel run", (rs) =>
      rs.some((r) => r.event === "run" && r.prompt === prompt) && rs.some((r) => r.event === "generate" && r.prompt === prompt),
    );
    const generated = records.find((r) => r.event === "generate" && r.prompt === prompt);
    const panelRun = records.find((r) => r.event === "run" && r.prompt === prompt);
    assert.equal(generated.outputs?.status, "ok", `the trial run passed: ${JSON.stringify(generated)}`);
    assert.deepEqual(generated.outputs.items.map((i) => [i.name, i.mime]), [[null, vegaLite]]);
    assert.equal(panelRun.outputs.status, "ok");
    assert.deepEqual(panelRun.outputs.items, generated.outputs.items, "the panel's chart is byte for byte the server's");

    // Save as SVG: a real click in the webview, then VS Code's save dialog proposing figures/chart-1.svg.
    await cell.locator('button[data-action="save-chart-svg"]').click();
    const saved = await answerFileDialog(page, "Save figure", { proposed: /figures\/chart-1\.svg$/ });
    const svgFile = path.join(workspace, "figures", "chart-1.svg");
    assert.equal(saved, svgFile);
    const svg = await pollUntil("figures/chart-1.svg to be written", () => (fs.existsSync(svgFile) ? fs.readFileSync(svgFile, "utf8") : null), {
      timeoutMs: 30_000,
    });
    assert.match(svg, /^<svg[\s>]/);
    const bars = [...svg.matchAll(/<g[^>]*class="mark-rect[^"]*"[^>]*>(.*?)<\/g>/gs)];
    assert.equal(bars.length, 1, "one group of bars");
    assert.equal(bars[0][1].match(/<path/g)?.length, 3, "the saved SVG has the 3 bars");
    await recordsWhen("the save to be recorded", (rs) => rs.some((r) => r.event === "decision" && r.decision === "save-figure" && r.prompt === prompt));

    // Export Session as Notebook: the chart's MIME bundle, the spec as a JSON object.
    await runCommand(page, "AgentCode: Export Session as Notebook");
    await answerFileDialog(page, "Export Session as Notebook", { proposed: /agentcode-session\.ipynb$/ });
    const notebookFile = path.join(workspace, "agentcode-session.ipynb");
    const notebook = await pollUntil("the notebook to be written", () => (fs.existsSync(notebookFile) ? JSON.parse(fs.readFileSync(notebookFile, "utf8")) : null), {
      timeoutMs: 30_000,
    });
    const codeCell = notebook.cells.find((c) => c.cell_type === "code" && c.source.join("").includes("display("));
    const bundle = codeCell?.outputs.find((o) => o.output_type === "display_data" && vegaLite in o.data);
    assert.ok(bundle, `the notebook has a ${vegaLite} output: ${JSON.stringify(codeCell?.outputs)}`);
    assert.equal(bundle.data[vegaLite].mark, "bar");
    assert.deepEqual(
      bundle.data[vegaLite].data.values.map((v) => v.region),
      ["north", "south", "west"],
    );
    assert.deepEqual(codeCell.outputs.find((o) => o.output_type === "stream")?.text, ["3 regions\n"]);
  });
});

test("An invalid chart spec is sent back to the model with the schema's sentence, and the repaired chart is drawn", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = await workbench();
    const prompt = "Bar chart of total sales per region, once more";
    openai.enqueue(codeReply(chartProgram("barz")), codeReply(chartProgram("bar", { importDisplay: true })));
    const requestsBefore = openai.requests.length;

    const { cell } = await generateWithSales(page, prompt);
    assert.equal(openai.requests.length, requestsBefore + 2, "one repair request");
    const repair = openai.requests.at(-1).json;
    const lastUser = [...repair.messages].reverse().find((m) => m.role === "user");
    const text = typeof lastUser.content === "string" ? lastUser.content : JSON.stringify(lastUser.content);
    assert.match(text, /The Vega-Lite chart \(output 1\) is not valid/, `the repair request: ${text}`);
    assert.match(text, /barz/);
    assert.match(text, /Vega-Lite schema/);
    t.diagnostic(`repair request says: ${text.slice(0, 600)}`);

    assert.equal(await drawnBars(cell), 3, "the repaired chart has one bar per region");
    await cell.locator(".cm-content").waitFor();
    const shown = (await cell.locator(".cm-content .cm-line").allTextContents()).join("\n");
    assert.match(shown, /^from IPython\.display import display$/m, "the panel shows the repaired code");
    // The repaired cell from its prompt down (its code with the import, then the chart).
    await cell.locator(".prompt").scrollIntoViewIfNeeded();
    t.diagnostic(`screenshot: ${await screenshot("repaired-chart-in-panel")}`);
    const records = await recordsWhen("the run record to hold the repaired generation", (rs) => rs.some((r) => r.event === "generate" && r.prompt === prompt));
    assert.equal(records.find((r) => r.event === "generate" && r.prompt === prompt).outputs?.status, "ok");
  });
});
