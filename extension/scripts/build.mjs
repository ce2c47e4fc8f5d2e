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
  // Paths under src/; the bundles keep the folders (test/unit/out/panel/messages.mjs).
  const pure = [
    "naming", "session", "lsp_ext", "output_names",
    "generation/generation_progress",
    "settings/config", "settings/endpoint",
    "server/server_command",
    "record/record", "record/notebook",
    "run/cells", "run/run_format", "run/cell_check",
    "panel/panel_html", "panel/messages", "panel/figures", "panel/snapshot_store",
    "agent/agent_tool_text",
    "packages/pyodide_lock", "packages/package_store",
  ];
  await esbuild.build({
    entryPoints: pure.map((m) => path.join(root, "src", `${m}.ts`)),
    outbase: path.join(root, "src"),
    outdir: path.join(root, "test/unit/out"),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
}
