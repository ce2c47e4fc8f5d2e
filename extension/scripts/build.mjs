// Bundles the extension with esbuild: src/main.ts -> dist/extension.js (CommonJS, Node 20, `vscode` external).
// With --tests it also bundles the modules that need no `vscode` into test/unit/out/*.mjs for the unit tests;
// `vscode` is deliberately not external there, so a pure module that starts importing it fails the build.
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import * as path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const production = process.argv.includes("--production");

await esbuild.build({
  entryPoints: [path.join(root, "src/main.ts")],
  outfile: path.join(root, "dist/extension.js"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["vscode"],
  sourcemap: production ? false : "linked",
  minify: production,
  logLevel: "warning",
});

if (process.argv.includes("--tests")) {
  const pure = ["config", "server_command", "naming", "session", "record", "notebook", "cells", "panel_html", "messages", "run_format", "lsp_ext", "figures", "endpoint", "output_names", "snapshot_store", "agent_tool_text", "pyodide_lock", "package_store", "generation_progress"];
  await esbuild.build({
    entryPoints: pure.map((m) => path.join(root, "src", `${m}.ts`)),
    outdir: path.join(root, "test/unit/out"),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
}
