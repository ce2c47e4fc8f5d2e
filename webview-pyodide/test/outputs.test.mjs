// The output contract in the panel, in real headless Chromium: Vega-Lite charts (drawn offline, saved as SVG and
// PNG), Markdown, HTML, images, JSON, the _repr_*_ protocol, IPython.display, files under /output and the caps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chartsSettled, runInPanel, usePanelSuite, waitInPage } from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const suite = usePanelSuite();

/** Python lines defining png(width, height): a valid RGB PNG of that size, standard library only. */
const pngHelper = String.raw`
import struct, zlib
def png(width, height):
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
    raw = b''.join(b'\x00' + b'\x20\x80\xc0' * width for _ in range(height))
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
`;

/** A bar chart of total sales per region; `data` is the spec's data property as Python source. */
function barChart(schema, data) {
  return String.raw`spec = {
    "$schema": "https://vega.github.io/schema/vega-lite/${schema}.json",
    "data": ${data},
    "mark": "bar",
    "encoding": {"x": {"field": "region", "type": "nominal"}, "y": {"aggregate": "sum", "field": "amount", "type": "quantitative"}},
}`;
}
const regions = `{"values": [{"region": "north", "amount": 120.5}, {"region": "south", "amount": 210.25}, {"region": "west", "amount": 75}]}`;

async function hostErrors(page) {
  return page.evaluate(() => window.__hostMessages.filter((m) => m.type === "webview/error").map((m) => m.message));
}

const chartChunkRequests = () => suite.harness.requests.filter((path) => /^\/dist\/chunks\/charts-[A-Z0-9]+\.js$/.test(path));

test("a Vega-Lite v5 and a v6 program each draw an SVG chart with exactly 3 bar marks from 3 regions", async () => {
  const errorsBefore = (await hostErrors(suite.page)).length;
  const code = [
    barChart("v5", regions),
    `display({"application/vnd.vegalite.v5+json": spec}, raw=True)`,
    `spec["$schema"] = "https://vega.github.io/schema/vega-lite/v6.json"`,
    `display({"application/vnd.vegalite.v6+json": spec}, raw=True)`,
  ].join("\n");
  const run = await runInPanel(suite.page, code);
  assert.deepEqual(await chartsSettled(suite.page, run.id), ["drawn", "drawn"]);
  const charts = run.cell.locator(".output-vega-lite");
  assert.deepEqual(await charts.evaluateAll((els) => els.map((e) => e.dataset.mime)), ["application/vnd.vegalite.v5+json", "application/vnd.vegalite.v6+json"]);
  for (const chart of await charts.all()) {
    assert.equal(await chart.locator("svg .mark-rect path").count(), 3);
    assert.equal(await chart.locator("canvas").count(), 0);
  }
  // Drawing a chart breaks no rule of the panel's policy (no inline style, no eval, no request).
  assert.deepEqual((await hostErrors(suite.page)).slice(errorsBefore), []);
  assert.equal((await run.summary()).outputs.length, 2);
  // The chart libraries are a chunk of their own (fetched once Python is ready, or by the first chart), fetched once.
  assert.equal(chartChunkRequests().length, 1);
});

test("a chart with data.url \"/data/sales.csv\" draws from the cell's data file, one bar per region", async () => {
  const csv = await readFile(join(here, "..", "..", "examples", "sales.csv"));
  const requestsBefore = suite.harness.requests.length;
  const code = `${barChart("v5", `{"url": "/data/sales.csv"}`)}\ndisplay({"application/vnd.vegalite.v5+json": spec}, raw=True)`;
  const run = await runInPanel(suite.page, code, { dataFiles: [{ name: "sales.csv", base64: csv.toString("base64") }] });
  assert.deepEqual(await chartsSettled(suite.page, run.id), ["drawn"], await run.cell.locator(".chart-error").allTextContents().then((t) => t.join()));
  assert.equal(await run.cell.locator("svg .mark-rect path").count(), 3);
  const labels = await run.cell.locator("svg .role-axis-label text").allTextContents();
  for (const region of ["north", "south", "west"]) assert.ok(labels.includes(region), labels.join(","));
  assert.deepEqual(suite.harness.requests.slice(requestsBefore), []);
});

test("a chart reading a /data file the cell does not have says which files the cell has", async () => {
  const code = `${barChart("v6", `{"url": "/data/missing.csv"}`)}\ndisplay({"application/vnd.vegalite.v6+json": spec}, raw=True)`;
  const run = await runInPanel(suite.page, code, { dataFiles: [{ name: "other.csv", base64: Buffer.from("region,amount\n").toString("base64") }] });
  assert.deepEqual(await chartsSettled(suite.page, run.id), ["failed"]);
  assert.equal(
    await run.text(".chart-error"),
    "The chart could not be drawn: The chart reads '/data/missing.csv', which is not one of the cell's data files. The cell has /data/other.csv; pick one of those, or put the rows in data.values.",
  );
  assert.equal(await run.cell.locator("svg").count(), 0);
});

test("chart colours come from the VS Code theme variables", async () => {
  await suite.page.evaluate(() => {
    document.body.style.setProperty("--vscode-foreground", "rgb(10, 20, 30)");
    document.body.style.setProperty("--vscode-charts-blue", "rgb(40, 50, 60)");
  });
  try {
    const run = await runInPanel(suite.page, `${barChart("v6", regions)}\ndisplay({"application/vnd.vegalite.v6+json": spec}, raw=True)`);
    assert.deepEqual(await chartsSettled(suite.page, run.id), ["drawn"]);
    const fills = await run.cell.locator("svg .mark-rect path").evaluateAll((paths) => [...new Set(paths.map((p) => p.getAttribute("fill")))]);
    assert.deepEqual(fills, ["rgb(40, 50, 60)"]);
    const label = await run.cell.locator("svg .role-axis-label text").first().getAttribute("fill");
    assert.equal(label, "rgb(10, 20, 30)");
  } finally {
    await suite.page.evaluate(() => document.body.removeAttribute("style"));
  }
});

test("Save as SVG and Save as PNG post cell/saveFigure with SVG and PNG bytes, and synthetic clicks post nothing", async () => {
  const run = await runInPanel(suite.page, `${barChart("v5", regions)}\ndisplay({"application/vnd.vegalite.v5+json": spec}, raw=True)`);
  assert.deepEqual(await chartsSettled(suite.page, run.id), ["drawn"]);
  const saved = () => suite.page.evaluate((id) => window.__hostMessages.filter((m) => m.type === "cell/saveFigure" && m.id === id), run.id);
  const svgButton = run.cell.getByRole("button", { name: "Save chart chart-1 as SVG", exact: true });
  const pngButton = run.cell.getByRole("button", { name: "Save chart chart-1 as PNG", exact: true });
  for (const button of [svgButton, pngButton]) {
    await button.evaluate((b) => b.click());
    await button.evaluate((b) => b.dispatchEvent(new MouseEvent("click", { bubbles: true })));
  }
  assert.deepEqual(await saved(), []);

  await svgButton.click();
  await waitInPage(suite.page, (id) => window.__hostMessages.filter((m) => m.type === "cell/saveFigure" && m.id === id).length === 1, run.id, { timeout: 60000 });
  await pngButton.click();
  await waitInPage(suite.page, (id) => window.__hostMessages.filter((m) => m.type === "cell/saveFigure" && m.id === id).length === 2, run.id, { timeout: 60000 });
  const [svg, png] = await saved();
  assert.equal(svg.name, "chart-1.svg");
  assert.equal(svg.mime, "image/svg+xml");
  const svgText = Buffer.from(svg.base64, "base64").toString("utf8");
  assert.match(svgText, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal((svgText.match(/<path[^>]*aria-roledescription="bar"/g) ?? []).length, 3);
  assert.equal(png.name, "chart-1.png");
  assert.equal(png.mime, "image/png");
  const pngBytes = Buffer.from(png.base64, "base64");
  assert.equal(pngBytes.subarray(0, 8).toString("hex"), "89504e470d0a1a0a");
  assert.ok(pngBytes.readUInt32BE(16) > 100, "the PNG is as wide as the chart"); // IHDR width
});

test("a chart is not drawn again when its cell re-renders", async () => {
  const run = await runInPanel(suite.page, `${barChart("v6", regions)}\ndisplay({"application/vnd.vegalite.v6+json": spec}, raw=True)`);
  await chartsSettled(suite.page, run.id);
  await run.cell.locator("svg.marks").evaluate((svg) => { svg.dataset.marker = "first drawing"; });
  await run.cell.locator('button[data-action="reject"]').click(); // a decision re-renders the cell
  await suite.page.waitForSelector(`section.cell[data-cell-id="${run.id}"][data-decision="rejected"]`);
  assert.equal(await suite.page.locator(`section.cell[data-cell-id="${run.id}"] svg.marks`).getAttribute("data-marker"), "first drawing");
});

test("Markdown renders headings, lists and tables, and raw HTML in it shows as text", async () => {
  const errorsBefore = (await hostErrors(suite.page)).length;
  const requestsBefore = suite.harness.requests.length;
  const markdown = [
    "# Sales",
    "## By region",
    "- north",
    "- south",
    "",
    "| region | total |",
    "| :--- | ---: |",
    "| north | 218.5 |",
    "",
    "<script>document.title = 'pwned'</script> <img src=x onerror=\"document.title = 'pwned'\">",
    "",
    "![logo](http://127.0.0.1:9/logo.png) [docs](javascript:alert(1))",
  ].join("\\n");
  const run = await runInPanel(suite.page, `from IPython.display import Markdown\ndisplay(Markdown("${markdown.replace(/"/g, '\\"')}"))`);
  const body = run.cell.locator(".output-markdown .output-markdown-body");
  assert.equal(await body.locator("h1").textContent(), "Sales");
  assert.equal(await body.locator("h2").textContent(), "By region");
  assert.deepEqual(await body.locator("ul > li").allTextContents(), ["north", "south"]);
  assert.deepEqual(await body.locator("td").evaluateAll((cells) => cells.map((c) => `${c.className}:${c.textContent}`)), ["align-left:north", "align-right:218.5"]);
  assert.match(await body.textContent(), /<script>document\.title = 'pwned'<\/script> <img src=x onerror="document\.title = 'pwned'">/);
  assert.equal(await body.locator("script, img, a[href^='javascript']").count(), 0);
  assert.equal(await body.locator(".markdown-image-blocked").textContent(), "[logo]");
  assert.notEqual(await suite.page.title(), "pwned");
  // No style attribute (refused by the policy) and no image request.
  assert.deepEqual((await hostErrors(suite.page)).slice(errorsBefore), []);
  assert.deepEqual(suite.harness.requests.slice(requestsBefore), []);
});

test("objects with _repr_html_, _repr_svg_, _repr_png_, _repr_markdown_, _repr_json_ or _repr_mimebundle_ display as in Jupyter", async () => {
  const code = String.raw`${pngHelper}
class Html:
    def _repr_html_(self): return "<b>bold</b>"
class Svg:
    def _repr_svg_(self): return '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>'
class Png:
    def _repr_png_(self): return png(3, 2)
class Md:
    def _repr_markdown_(self): return "*emphasis*"
class Js:
    def _repr_json_(self): return {"a": [1, 2]}
class Bundle:
    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": "plain", "text/markdown": "**from the bundle**"}
class Both:
    def _repr_html_(self): return "<i>html wins</i>"
    def _repr_markdown_(self): return "markdown loses"
class Plain:
    def __repr__(self): return "Plain()"
for obj in (Html(), Svg(), Png(), Md(), Js(), Bundle(), Both()):
    display(obj)
Plain()
`;
  const run = await runInPanel(suite.page, code);
  const outputs = (await run.summary()).outputs;
  assert.deepEqual(outputs.map((o) => o.mime), ["text/html", "image/svg+xml", "image/png", "text/markdown", "application/json", "text/markdown", "text/html", "text/plain"]);
  const kinds = await run.cell.locator(".outputs > .output").evaluateAll((els) => els.map((e) => e.className));
  assert.deepEqual(kinds, ["output output-html", "output output-image", "output output-image", "output output-markdown", "output output-json", "output output-markdown", "output output-html", "output output-text"]);
  const frames = run.cell.locator("iframe.output-html");
  assert.equal(await run.cell.frameLocator("iframe.output-html >> nth=0").locator("b").textContent(), "bold");
  assert.equal(await run.cell.frameLocator("iframe.output-html >> nth=1").locator("i").textContent(), "html wins");
  assert.deepEqual(await frames.evaluateAll((fs) => fs.map((f) => f.getAttribute("sandbox"))), ["", ""]);
  await waitInPage(suite.page, (id) => [...document.querySelectorAll(`section[data-cell-id="${id}"] img.output-image`)].every((i) => i.complete && i.naturalWidth > 0), run.id, { timeout: 60000 });
  assert.deepEqual(await run.cell.locator("img.output-image").evaluateAll((imgs) => imgs.map((i) => `${i.naturalWidth}x${i.naturalHeight}`)), ["8x8", "3x2"]);
  assert.deepEqual(await run.cell.locator(".output-markdown-body").evaluateAll((els) => els.map((e) => e.innerHTML.trim())), ["<p><em>emphasis</em></p>", "<p><strong>from the bundle</strong></p>"]);
  assert.deepEqual(JSON.parse(await run.text("pre.output-json-body")), { a: [1, 2] });
  assert.equal(await run.text("pre.output-text-body"), "Plain()");
});

test("IPython.display imports work: display, HTML, Markdown, SVG, Image, JSON and display(bundle, raw=True)", async () => {
  const code = String.raw`${pngHelper}
from IPython.display import display, HTML, Markdown, SVG, Image, JSON
import IPython.display
display(HTML("<u>under</u>"), Markdown("# Title"))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" width="5" height="4"/>'))
display(Image(png(2, 2)))
display(JSON({"k": "v"}))
IPython.display.display({"text/plain": "raw text", "text/x-unknown": "?"}, raw=True)
print(display is IPython.display.display)
`;
  const run = await runInPanel(suite.page, code);
  assert.equal(await run.cell.getAttribute("data-run"), "ok");
  assert.equal(await run.text("pre.stdout"), "True\n");
  assert.deepEqual((await run.summary()).outputs.map((o) => o.mime), ["text/html", "text/markdown", "image/svg+xml", "image/png", "application/json", "text/plain"]);
  assert.equal(await run.cell.frameLocator("iframe.output-html").locator("u").textContent(), "under");
  assert.equal(await run.text(".output-markdown-body h1"), "Title");
  assert.equal(await run.text("pre.output-text-body"), "raw text");
});

test("files written to /output show by type: PNG and SVG images, a .vl.json chart, text, and other files as a named entry", async () => {
  const code = String.raw`${pngHelper}
import json, os
os.makedirs('/output/sub', exist_ok=True)
open('/output/a.png', 'wb').write(png(4, 4))
open('/output/b.svg', 'w').write('<svg xmlns="http://www.w3.org/2000/svg" width="6" height="6"/>')
spec = {"data": {"values": [{"region": "north", "amount": 1}, {"region": "south", "amount": 2}, {"region": "west", "amount": 3}]},
        "mark": "bar", "encoding": {"x": {"field": "region", "type": "nominal"}, "y": {"field": "amount", "type": "quantitative"}}}
open('/output/c.vl.json', 'w').write(json.dumps(spec))
open('/output/d.bin', 'wb').write(bytes(range(10)))
_ = open('/output/sub/e.txt', 'w').write('nested text')
`;
  const run = await runInPanel(suite.page, code);
  const outputs = (await run.summary()).outputs;
  assert.deepEqual(outputs.map((o) => `${o.name} ${o.mime}`), ["a.png image/png", "b.svg image/svg+xml", "c.vl.json application/vnd.vegalite.v6+json", "d.bin application/octet-stream", "sub/e.txt text/plain"]);
  assert.deepEqual(await chartsSettled(suite.page, run.id), ["drawn"]);
  assert.equal(await run.cell.locator('.output[data-name="c.vl.json"] svg .mark-rect path').count(), 3);
  assert.equal(await run.cell.locator('.output[data-name="c.vl.json"] .output-name').textContent(), "/output/c.vl.json");
  assert.equal(await run.cell.locator("img.output-image").count(), 2);
  assert.equal(await run.cell.locator('.output[data-name="d.bin"] .output-file-body').textContent(), "d.bin (10 bytes, application/octet-stream)");
  assert.equal(await run.cell.locator('.output[data-name="sub/e.txt"] .output-name').textContent(), "/output/sub/e.txt");
  assert.equal(await run.cell.locator('.output[data-name="sub/e.txt"] pre.output-text-body').textContent(), "nested text");
});

test("more than 64 files under /output gives status output-limit with a sentence naming the file cap", async () => {
  const run = await runInPanel(suite.page, "for i in range(65):\n    open('/output/f%02d.txt' % i, 'w').write(str(i))");
  assert.equal(await run.cell.getAttribute("data-run"), "output-limit");
  const sentence = "The program wrote 65 files under /output, more than the file cap of 64 files; the first ones are shown.";
  assert.equal(await run.text(".output-limit"), sentence);
  assert.match(await run.text(".run-status"), /^Output cap reached in /);
  const summary = await run.summary();
  assert.equal(summary.status, "output-limit");
  assert.equal(summary.outputLimit, sentence);
  assert.equal(summary.outputs.length, 64);
});

test("more than 32 MiB under /output gives status output-limit with a sentence naming the size cap", async () => {
  const code = "open('/output/small.txt', 'w').write('fits')\n_ = open('/output/zbig.bin', 'wb').write(bytes(33 * 1024 * 1024))";
  const run = await runInPanel(suite.page, code);
  assert.equal(await run.cell.getAttribute("data-run"), "output-limit");
  const sentence = "The program wrote more than 32 MiB under /output (the output size cap).";
  assert.equal(await run.text(".output-limit"), sentence);
  const summary = await run.summary();
  assert.equal(summary.outputLimit, sentence);
  assert.deepEqual(summary.outputs.map((o) => o.name), ["small.txt"]);
});
