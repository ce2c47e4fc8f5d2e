// Builds the panel bundle into dist/: panel.js (the page, minified, with the chart code split into dist/chunks/;
// options in build_options.mjs), boot.js (the start-up script the page runs first), worker.js (Pyodide worker, ESM, with Pyodide's own JavaScript bundled in),
// panel.css, and the Pyodide data files the page fetches and hands to the worker, copied from the pinned npm package
// into dist/pyodide/ (served locally, never a CDN; nothing is downloaded).
import { build } from "esbuild";
import { common, panelOptions } from "./build_options.mjs";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const require = createRequire(import.meta.url);
const pyodideDir = dirname(require.resolve("pyodide/package.json"));
// Keep in step with pyodideFileNames in src/worker_protocol.ts.
const pyodideFiles = ["pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"];

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "pyodide"), { recursive: true });
await build(panelOptions(dist));
// The start-up script runs before the page's own module, as a classic script: tiny, minified, no imports at run time.
await build({ ...common, format: "iife", minify: true, entryPoints: [join(here, "src/boot.ts")], outfile: join(dist, "boot.js") });
await build({ ...common, entryPoints: [join(here, "src/worker.ts")], outfile: join(dist, "worker.js"), external: ["node:*", "ws"], minify: true });
await build({ bundle: true, logLevel: "warning", entryPoints: [join(here, "src/panel.css")], outfile: join(dist, "panel.css") });
for (const file of pyodideFiles) copyFileSync(join(pyodideDir, file), join(dist, "pyodide", file));
console.log(`built ${dist}`);
