// Checks a packaged platform .vsix (a zip, read with yauzl):
// - it holds a self-contained server (it carries its .NET runtime) for exactly one platform: server/platform.json
//   names the target, the executable and
//   Wasmtime's library are that platform's, and every native binary in it (ELF, Mach-O, PE, ReadyToRun code) is
//   for that operating system and CPU; no `runtimes/` folder of other platforms;
// - the panel bundle and Pyodide, the extension bundle, the icon (a 128x128 PNG), README, CHANGELOG (its newest
//   heading is the version's major.minor) and LICENSE, and none of the sources, tests, source maps or node_modules;
// - one version: package.json, server/platform.json and, when the package is for this machine, `agentcode --version`;
// - when the package is for this machine, the server runs: it is unpacked to a temp dir and runs a small program.
// Prints the packed and unpacked sizes.
// Usage: node scripts/verify-vsix.mjs [file.vsix] [--target T] (default: the newest extension/*.vsix for this
// machine; the target defaults to the one platform.json names). Exit 1 on a problem.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buffer } from "node:stream/consumers";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import yauzl from "yauzl";
import { hostTarget, targets } from "./targets.mjs";

const openZip = promisify(yauzl.fromBuffer);

/** The entries of a zip held in memory: name, uncompressed size, unix mode, and a function reading the contents. */
export async function zipEntries(buf) {
  let zip;
  try {
    zip = await openZip(buf, { lazyEntries: true });
  } catch (error) {
    throw new Error(`not a zip file (${error.message})`);
  }
  const openStream = promisify(zip.openReadStream.bind(zip));
  const entries = [];
  await new Promise((resolve, reject) => {
    zip.on("entry", (entry) => {
      const mode = (entry.externalFileAttributes >>> 16) & 0o7777;
      entries.push({ name: entry.fileName, size: entry.uncompressedSize, mode, read: async () => buffer(await openStream(entry)) });
      zip.readEntry();
    });
    zip.on("end", resolve);
    zip.on("error", reject);
    zip.readEntry();
  });
  return entries;
}

/** The most recently written *.vsix in `dir` for `target` (default: this machine's), or undefined when there is none. */
export function newestVsix(dir, target = hostTarget()) {
  const vsixes = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".vsix") && (target === undefined || f.startsWith(`agentcode-${target}-`)))
    .map((f) => path.join(dir, f));
  vsixes.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return vsixes[0];
}

export const required = [
  "extension/package.json",
  "extension/dist/extension.js",
  "extension/server/platform.json",
  "extension/server/python.wasm",
  "extension/server/python-reactor.wasm",
  "extension/server/lib/python313.zip",
  "extension/media/webview/panel.js",
  "extension/media/webview/panel.css",
  "extension/media/webview/worker.js",
  "extension/media/webview/boot.js",
  "extension/media/webview/pyodide/pyodide.asm.wasm",
  "extension/media/webview/pyodide/python_stdlib.zip",
  "extension/media/icon.png",
  "extension/readme.md",
  "extension/changelog.md",
  "extension/LICENSE.txt",
];

export const forbidden = [
  /^extension\/src\//,
  /^extension\/test\//,
  /^extension\/scripts\//,
  /^extension\/media\/readme\//,
  /^extension\/server\/runtimes\//,
  /\.map$/,
  /(^|\/)node_modules\//,
  /\.ts$/,
  /\.pdb$/,
  /tsconfig\.json$/,
];

// ReadyToRun code in a PE file is marked by XOR-ing the machine with a value per operating system.
const peOs = { 0: "win32", 0x7b79: "linux", 0x4644: "darwin" };
const peArch = { 0x8664: "x64", 0xaa64: "arm64" };

/** The platform a binary is built for ({os, arch}), "neutral" for IL-only assemblies, undefined for non-binaries. */
export function binaryPlatform(head) {
  if (head.length >= 20 && head.readUInt32BE(0) === 0x7f454c46) {
    const machine = head.readUInt16LE(18);
    return { os: "linux", arch: machine === 62 ? "x64" : machine === 183 ? "arm64" : `elf-${machine}` };
  }
  if (head.length >= 8 && head.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = head.readUInt32LE(4);
    return { os: "darwin", arch: cpu === 0x01000007 ? "x64" : cpu === 0x0100000c ? "arm64" : `macho-${cpu}` };
  }
  if (head.length >= 0x40 && head.toString("latin1", 0, 2) === "MZ") {
    const pe = head.readUInt32LE(0x3c);
    if (pe + 6 > head.length || head.toString("latin1", pe, pe + 4) !== "PE\0\0") return undefined;
    const machine = head.readUInt16LE(pe + 4);
    if (machine === 0x14c) return "neutral";
    for (const [xor, osName] of Object.entries(peOs)) {
      const arch = peArch[machine ^ Number(xor)];
      if (arch !== undefined) return { os: osName, arch };
    }
    return { os: "unknown", arch: `pe-${machine.toString(16)}` };
  }
  return undefined;
}

/** The first major.minor heading (`## 0.1`) of a changelog, or undefined. */
export function changelogVersion(text) {
  return /^##\s+v?(\d+\.\d+)\b/m.exec(text)?.[1];
}

/** Problems with a vsix, as sentences; empty when it is fine. `target` defaults to the one server/platform.json names. */
export async function verify(buf, target) {
  const entries = await zipEntries(buf);
  const names = new Map(entries.map((e) => [e.name.toLowerCase(), e]));
  const problems = [];
  for (const r of required) if (!names.has(r.toLowerCase())) problems.push(`missing ${r}`);
  for (const e of entries) if (forbidden.some((f) => f.test(e.name))) problems.push(`should not contain ${e.name}`);
  const icon = names.get("extension/media/icon.png");
  if (icon !== undefined) {
    const png = await icon.read();
    if (png.readUInt32BE(0) !== 0x89504e47) problems.push("media/icon.png is not a PNG");
    else if (png.readUInt32BE(16) !== 128 || png.readUInt32BE(20) !== 128) problems.push(`media/icon.png is ${png.readUInt32BE(16)}x${png.readUInt32BE(20)}, not 128x128`);
  }
  let pkg;
  const manifest = names.get("extension/package.json");
  if (manifest !== undefined) {
    pkg = JSON.parse((await manifest.read()).toString("utf8"));
    if (pkg.main !== "./dist/extension.js") problems.push(`package.json main is ${pkg.main}`);
    const ids = (pkg.contributes?.commands ?? []).map((c) => c.command);
    for (const id of ["agentcode.generate", "agentcode.runFile", "agentcode.openPanel", "agentcode.setApiKey", "agentcode.exportNotebook"]) {
      if (!ids.includes(id)) problems.push(`package.json does not contribute ${id}`);
    }
  }
  const changelog = names.get("extension/changelog.md");
  if (changelog !== undefined && pkg?.version !== undefined) {
    const heading = changelogVersion((await changelog.read()).toString("utf8"));
    const majorMinor = String(pkg.version).split(".").slice(0, 2).join(".");
    if (heading !== majorMinor) problems.push(`CHANGELOG.md's newest heading is ${heading ?? "missing"}, not ## ${majorMinor} for version ${pkg.version}`);
  }

  const platformEntry = names.get("extension/server/platform.json");
  const platform = platformEntry !== undefined ? JSON.parse((await platformEntry.read()).toString("utf8")) : undefined;
  target ??= platform?.target;
  const spec = targets[target];
  if (spec === undefined) {
    problems.push(`no known target (server/platform.json names ${platform?.target ?? "none"})`);
    return { entries, problems, target, version: pkg?.version };
  }
  if (platform !== undefined) {
    if (platform.target !== target) problems.push(`server/platform.json names ${platform.target}, not ${target}`);
    if (platform.rid !== spec.rid) problems.push(`server/platform.json names runtime ${platform.rid}, not ${spec.rid}`);
    if (pkg !== undefined && platform.version !== pkg.version) problems.push(`server/platform.json has version ${platform.version}, package.json ${pkg.version}`);
  }
  // A self-contained server lists the runtime it carries (includedFrameworks); one that needs an installed .NET names
  // a framework to look for instead.
  const runtimeconfig = names.get("extension/server/agentcode.runtimeconfig.json");
  if (runtimeconfig === undefined) problems.push("missing extension/server/agentcode.runtimeconfig.json");
  else {
    const options = JSON.parse((await runtimeconfig.read()).toString("utf8")).runtimeOptions ?? {};
    if (options.includedFrameworks === undefined || options.framework !== undefined || options.frameworks !== undefined) {
      problems.push("the server is not self-contained: agentcode.runtimeconfig.json asks for an installed .NET runtime");
    }
  }
  const exe = names.get(`extension/server/${spec.executable}`);
  if (exe === undefined) problems.push(`missing extension/server/${spec.executable}`);
  else if (spec.os !== "win32" && (exe.mode & 0o111) === 0) problems.push(`extension/server/${spec.executable} is not executable in the package`);
  if (!names.has(`extension/server/${spec.wasmtime}`)) problems.push(`missing extension/server/${spec.wasmtime} (Wasmtime for ${target})`);
  for (const other of new Set(Object.values(targets).map((t) => t.wasmtime))) {
    if (other !== spec.wasmtime && names.has(`extension/server/${other}`)) problems.push(`should not contain extension/server/${other} (Wasmtime for another platform)`);
  }
  for (const e of entries) {
    if (!e.name.startsWith("extension/server/") || e.size < 64 || e.name.endsWith(".wasm") || e.name.endsWith(".json")) continue;
    const found = binaryPlatform(await e.read());
    if (found === undefined || found === "neutral") continue;
    if (found.os !== spec.os || found.arch !== spec.arch) problems.push(`${e.name} is built for ${found.os}-${found.arch}, not ${target}`);
  }
  return { entries, problems, target, version: pkg?.version };
}

/** Unpacks the server of a package for this machine and runs it: `--version` and a small program. Problems as sentences. */
export async function runServer(entries, target, version) {
  const spec = targets[target];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-verify-"));
  const problems = [];
  try {
    for (const e of entries) {
      if (!e.name.startsWith("extension/server/") || e.name.endsWith("/")) continue;
      const out = path.join(dir, ...e.name.slice("extension/server/".length).split("/"));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, await e.read(), { mode: e.mode || 0o644 });
    }
    const exe = path.join(dir, spec.executable);
    // No dotnet on the PATH and no DOTNET_ROOT: the package must need nothing else on the machine.
    const env = { ...process.env, PATH: path.dirname(process.execPath), AGENTCODE_CACHE_DIR: path.join(dir, ".cache") };
    delete env.DOTNET_ROOT;
    const v = spawnSync(exe, ["--version"], { encoding: "utf8", env, timeout: 60_000 });
    const printed = (v.stdout ?? "").trim().split("+")[0];
    if (v.status !== 0) problems.push(`the server did not run: 'agentcode --version' exited ${v.status ?? v.error?.message}: ${v.stderr}`);
    else if (printed !== version) problems.push(`'agentcode --version' prints ${v.stdout.trim()}, not version ${version}`);
    const program = path.join(dir, "hello.py");
    fs.writeFileSync(program, "print('sum', sum(range(5)))\n");
    const r = spawnSync(exe, ["run", program], { encoding: "utf8", env, timeout: 300_000 });
    if (r.status !== 0 || !(r.stdout ?? "").includes("sum 10")) problems.push(`the server did not run a program: exit ${r.status ?? r.error?.message}, stdout ${r.stdout}, stderr ${r.stderr}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return problems;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const ext = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const args = process.argv.slice(2);
  const t = args.indexOf("--target");
  const wanted = t >= 0 ? args[t + 1] : undefined;
  const positional = args.filter((_, i) => i !== t && i !== t + 1);
  const file = positional[0] ?? newestVsix(ext, wanted);
  if (file === undefined) {
    console.error("verify-vsix: no extension/*.vsix for this machine; run `npm run package` first.");
    process.exit(1);
  }
  const buf = fs.readFileSync(file);
  const { entries, problems, target, version } = await verify(buf, wanted);
  const total = entries.reduce((n, e) => n + e.size, 0);
  console.log(`verify-vsix: ${file}: ${target ?? "unknown target"}, version ${version}, ${entries.length} files, ${(buf.length / 1048576).toFixed(1)} MB packed, ${(total / 1048576).toFixed(1)} MB unpacked`);
  if (problems.length === 0 && target !== undefined) {
    if (target === hostTarget()) {
      problems.push(...(await runServer(entries, target, version)));
      if (problems.length === 0) console.log("verify-vsix: the server runs without dotnet on the PATH (--version, and a program in the sandbox)");
    } else {
      console.log(`verify-vsix: the server was not run: it is built for ${target}, this machine is ${process.platform}-${process.arch}`);
    }
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(`verify-vsix: ${p}`);
    process.exit(1);
  }
  console.log("verify-vsix: ok");
}
