// Node-level checks of the pure rendering helpers the panel draws outputs with: the CSV reader charts use
// instead of d3-dsv (which needs eval) and the Markdown renderer's rules (alignment classes, no remote images).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));

async function load(entry) {
  const out = await build({ entryPoints: [join(here, "..", entry)], bundle: true, format: "esm", platform: "node", write: false, logLevel: "warning" });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);
}

const dsv = await load("src/dsv.ts");
const markdown = await load("src/markdown.ts");

test("the chart CSV reader handles quoted fields, doubled quotes, CRLF and a missing final newline", () => {
  assert.deepEqual(dsv.parseRows('a,b\r\n"x, y","say ""hi"""\n1,\n"multi\nline",2', ","), [["a", "b"], ["x, y", 'say "hi"'], ["1", ""], ["multi\nline", "2"]]);
  assert.deepEqual(dsv.parseRows("a\tb\n1\t2\n", "\t"), [["a", "b"], ["1", "2"]]);
  assert.deepEqual(dsv.parseRows("", ","), []);
});

test("the chart CSV reader keys rows by the header, and a column named __proto__ is only a column", () => {
  const rows = dsv.dsvReader(",")("__proto__,b\npolluted,2\n", undefined);
  assert.deepEqual(rows.map((r) => ({ ...r })), [{ ["__proto__"]: "polluted", b: "2" }]);
  assert.equal(Object.getPrototypeOf(rows[0]), Object.prototype);
  assert.equal({}.polluted, undefined);
  assert.deepEqual(dsv.dsvReader(undefined)("1|2", { delimiter: "|", header: ["x", "y"] }), [{ x: "1", y: "2" }]);
  assert.throws(() => dsv.dsvReader(undefined)("1", { delimiter: "||" }), /one character/);
});

test("Markdown table alignment becomes a class, never a style attribute the policy would refuse", () => {
  const html = markdown.renderMarkdown("| a | b | c |\n| :- | :-: | -: |\n| 1 | 2 | 3 |\n");
  assert.doesNotMatch(html, /style=/);
  assert.match(html, /<td class="align-left">1<\/td>\s*<td class="align-center">2<\/td>\s*<td class="align-right">3<\/td>/);
});

test("Markdown draws only data: images; any other image source shows as its alt text", () => {
  const pixel = "data:image/png;base64,iVBORw0KGgo=";
  assert.match(markdown.renderMarkdown(`![dot](${pixel})`), /<img src="data:image\/png;base64,iVBORw0KGgo=" alt="dot">/);
  for (const src of ["http://127.0.0.1:9/x.png", "https://example.com/x.png", "/data/x.png", "x.png"]) {
    const html = markdown.renderMarkdown(`![a <b>chart</b>](${src} "t")`);
    assert.doesNotMatch(html, /<img/, src);
    assert.match(html, /<span class="markdown-image-blocked" title="Not loaded: [^"]+ \(the panel has no network\)">\[a &lt;b&gt;chart&lt;\/b&gt;\]<\/span>/, src);
  }
});

test("Markdown escapes raw HTML and drops javascript: links", () => {
  const html = markdown.renderMarkdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\n[x](javascript:alert(1))');
  assert.doesNotMatch(html, /<script|<img|href="javascript/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

test("the page bundle starts without the chart libraries: they are a chunk of their own", async () => {
  const dist = join(here, "..", "dist");
  const page = await readFile(join(dist, "panel.js"), "utf8");
  const chunks = await readdir(join(dist, "chunks"));
  const charts = chunks.filter((name) => /^charts-[A-Z0-9]+\.js$/.test(name));
  assert.equal(charts.length, 1, chunks.join(", "));
  const chart = await readFile(join(dist, "chunks", charts[0]), "utf8");
  assert.match(chart, /vega\.github\.io/);
  assert.doesNotMatch(page, /vega\.github\.io/);
  assert.ok(page.length < chart.length / 4, `panel.js is ${page.length} bytes, the chart chunk ${chart.length}`);
});
