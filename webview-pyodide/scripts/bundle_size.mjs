// Bytes the chart and Markdown libraries (vega, vega-lite, vega-embed, vega-interpreter, markdown-it and what they
// import) add to the panel: the page is bundled in memory with the shipped options (build_options.mjs), once as
// built and once with charts.ts and markdown.ts replaced by empty modules; the difference is reported raw and
// gzipped (the .vsix is a zip, so gzip is close to what it adds there), with what the page loads at start and what
// it loads with the first chart. The former single unminified bundle is measured too, for comparison. Used by
// bench.mjs; `node scripts/bundle_size.mjs` prints it alone.
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { panelOptions } from "../build_options.mjs";

const withoutRenderers = {
  name: "without-renderers",
  setup(b) {
    b.onResolve({ filter: /^\.\/(charts|markdown)$/ }, (args) => ({ path: args.path, namespace: "stub" }));
    b.onLoad({ filter: /.*/, namespace: "stub" }, (args) => ({
      contents: args.path === "./charts" ? "export function drawChart() {}" : "export function renderMarkdown(text) { return text; }",
      loader: "js",
    }));
  },
};

function sizes(files) {
  return files.reduce((sum, f) => ({ raw: sum.raw + f.contents.length, gzip: sum.gzip + gzipSync(f.contents, { level: 9 }).length }), { raw: 0, gzip: 0 });
}

async function bundle(options) {
  const outdir = mkdtempSync(join(tmpdir(), "agentcode-bundle-"));
  try {
    const out = await build({ ...options(outdir), write: false, logLevel: "error" });
    const js = out.outputFiles.filter((f) => f.path.endsWith(".js"));
    const start = js.filter((f) => basename(f.path) === "panel.js" || basename(f.path).startsWith("chunk-"));
    // The code editor is a chunk of its own, loaded with the first cell or once Python is ready.
    const editor = js.filter((f) => basename(f.path).startsWith("editor-"));
    const later = js.filter((f) => !start.includes(f) && !editor.includes(f));
    return { total: sizes(js), start: sizes(start), editor: sizes(editor), later: sizes(later) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Sizes of the shipped panel bundle, with and without the renderers, and of the former single plain bundle. */
export async function bundleSizes() {
  const shipped = await bundle(panelOptions);
  const bare = await bundle((outdir) => ({ ...panelOptions(outdir), plugins: [withoutRenderers] }));
  const former = await bundle((outdir) => ({ ...panelOptions(outdir), splitting: false, minify: false }));
  return { shipped, bare, former, added: { raw: shipped.total.raw - bare.total.raw, gzip: shipped.total.gzip - bare.total.gzip } };
}

export function formatBundleSizes(s) {
  const kb = (n) => `${(n / 1024).toFixed(0).padStart(5)} KiB`;
  const row = (label, v) => `${label.padEnd(60)} ${kb(v.raw)}  ${kb(v.gzip)}`;
  return [
    `${"panel JavaScript".padEnd(60)}       raw       gzip`,
    row("before: one unminified bundle, loaded at start", s.former.total),
    row("now: minified, loaded at start (panel.js + chunks)", s.shipped.start),
    row("now: the code editor chunk (CodeMirror), with the first cell", s.shipped.editor),
    row("now: minified, loaded with the first chart", s.shipped.later),
    row("now: without charts and Markdown (all)", s.bare.total),
    row("added by vega*, vega-embed, markdown-it and deps", s.added),
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(formatBundleSizes(await bundleSizes()));
