// The esbuild options of the panel page bundle, shared by build.mjs and the benchmark's bundle measurement
// (scripts/bundle_size.mjs), so the figures are those of the shipped bundle. The page is minified and split:
// dist/panel.js, plus chunks under dist/chunks/ that it imports when needed (the chart libraries load with the
// first chart). Chunks come from the panel's own origin, which the CSP's script-src already allows.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export const common = { bundle: true, format: "esm", target: "es2022", platform: "browser", logLevel: "warning", loader: { ".py": "text" } };

export function panelOptions(outdir) {
  return {
    ...common,
    entryPoints: [join(here, "src/panel.ts")],
    outdir,
    entryNames: "[name]",
    chunkNames: "chunks/[name]-[hash]",
    splitting: true,
    minify: true,
  };
}
