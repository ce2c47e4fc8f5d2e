// `npm run package [-- --target T|all]`: builds one .vsix per platform, each with its own self-contained server.
// 1. reads the version from Nerdbank.GitVersioning (version.json + git height), the one version of the .vsix, the
//    server and the CLI; checks that a .NET 10 SDK is installed (the server is published from source);
// 2. builds the panel (`npm run build -w webview-pyodide`) into media/webview/ and the extension bundle into dist/;
// 3. per target (default: this machine's platform; `all`: every target below): restores the server for its runtime
//    identifier (a target whose .NET runtime pack the NuGet feed lacks is skipped and named), publishes it
//    self-contained, trimmed and ReadyToRun into server/ (AgentCodePlatformPublish in the server's .csproj), writes
//    server/platform.json, runs `vsce package --target` -> extension/agentcode-<target>-<version>.vsix, verifies it
//    (verify-vsix.mjs) and archives the server as the stand-alone CLI: artifacts/cli/agentcode-<version>-<rid>.tar.gz
//    (.zip for Windows);
// 4. prints the sizes. This machine's target is built last, so server/ is left runnable here.
// AGENTCODE_BUILD_LOCK=<file> runs each dotnet publish under `flock <file>` (for machines shared by several builds).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import yazl from "yazl";
import { hostTarget, targets } from "./targets.mjs";

const ext = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repo = path.dirname(ext);
const serverProject = path.join(repo, "server", "AgentCode.Server", "AgentCode.Server.csproj");

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

/** `dotnet ARGS` as [command, args], under `flock` when AGENTCODE_BUILD_LOCK names a lock file. */
function dotnet(args) {
  const lock = process.env.AGENTCODE_BUILD_LOCK;
  return lock !== undefined && lock !== "" ? ["flock", [lock, "dotnet", ...args]] : ["dotnet", args];
}

function parseArgs(argv) {
  let target = hostTarget();
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--target" && argv[i + 1] !== undefined) target = argv[++i];
    else if (argv[i].startsWith("--target=")) target = argv[i].slice("--target=".length);
    else die(`unknown argument '${argv[i]}'. Usage: npm run package [-- --target ${Object.keys(targets).join("|")}|all]`);
  }
  if (target === undefined) die(`this machine (${process.platform}-${process.arch}) is not a platform AgentCode packages; pass --target.`);
  if (target === "all") {
    const host = hostTarget();
    return [...Object.keys(targets).filter((t) => t !== host), ...(host !== undefined ? [host] : [])];
  }
  if (!(target in targets)) die(`unknown target '${target}'; choose one of ${Object.keys(targets).join(", ")} or all.`);
  return [target];
}

/** The Nerdbank.GitVersioning version of this commit: `0.1.97` for the .vsix, `0.1.97+c980c0eb31` for the CLI. */
function gitVersion() {
  const props = ["BuildVersionSimple", "AssemblyInformationalVersion"];
  const r = spawnSync("dotnet", ["msbuild", serverProject, "-nologo", "-t:GetBuildVersion", "-p:Configuration=Release", ...props.map((p) => `-getProperty:${p}`)], {
    cwd: repo,
    encoding: "utf8",
  });
  if (r.status !== 0) die(`could not read the version from Nerdbank.GitVersioning:\n${r.stdout}${r.stderr}`);
  const json = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
  return { simple: json.Properties.BuildVersionSimple, informational: json.Properties.AssemblyInformationalVersion };
}

/** `dotnet restore` for one runtime identifier; "lacking" when the feed has no runtime pack for it. */
function restore(rid) {
  const [command, args] = dotnet(["restore", serverProject, "-r", rid, "-p:AgentCodePlatformPublish=true", "--nologo"]);
  console.log(`package: ${command} ${args.join(" ")}`);
  const r = spawnSync(command, args, { cwd: repo, encoding: "utf8" });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.status === 0) return { ok: true };
  const missing = /Unable to find package (Microsoft\.(NETCore|AspNetCore)\.App\.(Runtime|Host|Crossgen2)\.[\w-]+(\.[\w-]+)*?)\.?(\s|$)/m.exec(output);
  if (missing !== null) return { ok: false, lacking: missing[1] };
  process.stdout.write(output);
  die(`'dotnet restore' for ${rid} failed with exit code ${r.status}`);
}

function archiveName(version, target) {
  return `agentcode-${version}-${targets[target].rid}${targets[target].os === "win32" ? ".zip" : ".tar.gz"}`;
}

/** The published server as a stand-alone CLI archive, with an `agentcode/` folder inside. */
async function archive(serverDir, file, target) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.rmSync(file, { force: true });
  const skip = new Set(["platform.json"]);
  if (targets[target].os !== "win32") {
    const staging = fs.mkdtempSync(path.join(path.dirname(file), ".staging-"));
    fs.cpSync(serverDir, path.join(staging, "agentcode"), { recursive: true, filter: (src) => !skip.has(path.basename(src)) });
    run("tar", ["-czf", file, "-C", staging, "agentcode"], repo);
    fs.rmSync(staging, { recursive: true, force: true });
    return;
  }
  const zip = new yazl.ZipFile();
  for (const f of fs.readdirSync(serverDir, { recursive: true })) {
    const full = path.join(serverDir, f);
    if (fs.statSync(full).isFile() && !skip.has(path.basename(f))) zip.addFile(full, `agentcode/${f.split(path.sep).join("/")}`);
  }
  zip.end();
  await new Promise((resolve, reject) => zip.outputStream.pipe(fs.createWriteStream(file)).on("close", resolve).on("error", reject));
}

const wanted = parseArgs(process.argv.slice(2));

const sdks = spawnSync("dotnet", ["--list-sdks"], { encoding: "utf8" });
if (sdks.error !== undefined) die("'dotnet' was not found. Install the .NET 10 SDK (https://dot.net) to build the server, then run again.");
if (!/^(1\d|[2-9]\d)\./m.test(sdks.stdout ?? "")) die(`the .NET 10 SDK is needed to build the server; found:\n${sdks.stdout}`);
// Nerdbank.GitVersioning's targets come from the restore (a fresh clone has none yet).
run(...dotnet(["restore", serverProject, "--nologo"]), repo);
const version = gitVersion();
console.log(`package: version ${version.simple} (${version.informational}), targets ${wanted.join(", ")}`);

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
run(npm, ["run", "build", "-w", "webview-pyodide"], repo);
const webviewDist = path.join(repo, "webview-pyodide", "dist");
if (!fs.existsSync(path.join(webviewDist, "panel.js"))) die(`the panel build produced no ${path.join(webviewDist, "panel.js")}`);
const media = path.join(ext, "media", "webview");
fs.rmSync(media, { recursive: true, force: true });
fs.cpSync(webviewDist, media, { recursive: true, filter: (src) => !src.endsWith(".map") });
run(process.execPath, [path.join(ext, "scripts", "build.mjs"), "--production"], ext);

for (const f of fs.readdirSync(ext)) if (f.endsWith(".vsix")) fs.rmSync(path.join(ext, f));
const serverOut = path.join(ext, "server");
const vsce = path.join(repo, "node_modules", "@vscode", "vsce", "vsce");
const built = [];
const lacking = [];
for (const target of wanted) {
  const { rid, executable } = targets[target];
  const restored = restore(rid);
  if (!restored.ok) {
    console.log(`package: skipping ${target}: the NuGet feed has no ${restored.lacking}.`);
    lacking.push({ target, pack: restored.lacking });
    continue;
  }
  fs.rmSync(serverOut, { recursive: true, force: true });
  run(...dotnet(["publish", serverProject, "-c", "Release", "-r", rid, "-p:AgentCodePlatformPublish=true", "--no-restore", "-o", serverOut, "--nologo"]));
  for (const f of [executable, "python.wasm", "python-reactor.wasm", path.join("lib", "python313.zip")]) {
    if (!fs.existsSync(path.join(serverOut, f))) die(`the server publish for ${rid} produced no ${f} in ${serverOut}`);
  }
  fs.writeFileSync(path.join(serverOut, "platform.json"), `${JSON.stringify({ target, rid, version: version.simple }, null, 2)}\n`);
  const out = path.join(ext, `agentcode-${target}-${version.simple}.vsix`);
  run(process.execPath, [vsce, "package", version.simple, "--no-update-package-json", "--no-git-tag-version", "--no-dependencies", "--target", target, "--out", out], ext);
  run(process.execPath, [path.join(ext, "scripts", "verify-vsix.mjs"), out, "--target", target], ext);
  const cli = path.join(repo, "artifacts", "cli", archiveName(version.simple, target));
  await archive(serverOut, cli, target);
  built.push({ target, vsix: out, cli });
}

console.log("package: built");
for (const b of built) {
  const mb = (file) => `${(fs.statSync(file).size / 1048576).toFixed(1)} MB`;
  console.log(`  ${b.target.padEnd(13)} ${path.relative(repo, b.vsix)} (${mb(b.vsix)}), CLI ${path.relative(repo, b.cli)} (${mb(b.cli)})`);
}
for (const l of lacking) console.log(`  ${l.target.padEnd(13)} not built: the NuGet feed has no ${l.pack}`);
if (built.length === 0) die("no package was built.");
