// `npm run package`: builds everything the .vsix carries and packs it with @vscode/vsce.
// 1. checks that a .NET 10 SDK is installed (the server is published from source);
// 2. builds the panel (`npm run build -w webview-pyodide`) and copies webview-pyodide/dist to media/webview/;
// 3. publishes the server framework-dependent to server/ (python.wasm lands next to agentcode.dll);
// 4. bundles the extension (esbuild, minified, no source map) to dist/extension.js;
// 5. runs `vsce package --no-dependencies` -> extension/agentcode-<version>.vsix, then verify-vsix.mjs.
// AGENTCODE_BUILD_LOCK=<file> runs the dotnet publish under `flock <file>` (for machines shared by several builds).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ext = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repo = path.dirname(ext);
const pkg = JSON.parse(fs.readFileSync(path.join(ext, "package.json"), "utf8"));

function die(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function run(command, args, cwd) {
  console.log(`package: ${command} ${args.join(" ")}`);
  const r = spawnSync(command, args, { cwd, stdio: "inherit" });
  if (r.error !== undefined) die(`could not start '${command}': ${r.error.message}`);
  if (r.status !== 0) die(`'${command} ${args.join(" ")}' failed with exit code ${r.status}`);
}

const sdks = spawnSync("dotnet", ["--list-sdks"], { encoding: "utf8" });
if (sdks.error !== undefined) die("'dotnet' was not found. Install the .NET 10 SDK (https://dot.net) to build the server, then run again.");
if (!/^(1\d|[2-9]\d)\./m.test(sdks.stdout ?? "")) die(`the .NET 10 SDK is needed to build the server; found:\n${sdks.stdout}`);

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
run(npm, ["run", "build", "-w", "webview-pyodide"], repo);
const webviewDist = path.join(repo, "webview-pyodide", "dist");
if (!fs.existsSync(path.join(webviewDist, "panel.js"))) die(`the panel build produced no ${path.join(webviewDist, "panel.js")}`);
const media = path.join(ext, "media", "webview");
fs.rmSync(media, { recursive: true, force: true });
fs.cpSync(webviewDist, media, { recursive: true, filter: (src) => !src.endsWith(".map") });

const serverOut = path.join(ext, "server");
fs.rmSync(serverOut, { recursive: true, force: true });
const publish = ["publish", path.join(repo, "server", "AgentCode.Server"), "-c", "Release", "-o", serverOut, "--nologo"];
const lock = process.env.AGENTCODE_BUILD_LOCK;
if (lock !== undefined && lock !== "") run("flock", [lock, "dotnet", ...publish], repo);
else run("dotnet", publish, repo);
// Debug symbols and XML docs are not needed at run time (and .vscodeignore negations cannot drop them inside server/).
for (const f of fs.readdirSync(serverOut)) if (f.endsWith(".pdb") || f.endsWith(".xml")) fs.rmSync(path.join(serverOut, f));
for (const f of ["agentcode.dll", "python.wasm"]) {
  if (!fs.existsSync(path.join(serverOut, f))) die(`the server publish produced no ${f} in ${serverOut}`);
}

run(process.execPath, [path.join(ext, "scripts", "build.mjs"), "--production"], ext);

for (const f of fs.readdirSync(ext)) if (f.endsWith(".vsix")) fs.rmSync(path.join(ext, f));
const out = path.join(ext, `${pkg.name}-${pkg.version}.vsix`);
const vsce = path.join(repo, "node_modules", "@vscode", "vsce", "vsce");
run(process.execPath, [vsce, "package", "--no-dependencies", "--out", out], ext);
run(process.execPath, [path.join(ext, "scripts", "verify-vsix.mjs"), out], ext);
console.log(`package: ${out}`);
