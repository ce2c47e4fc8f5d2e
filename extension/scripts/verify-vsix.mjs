// Checks a packaged .vsix (a zip): it must hold the server (agentcode.dll, python.wasm), the panel bundle and
// Pyodide, the extension bundle, the icon (a 128x128 PNG), README, CHANGELOG and LICENSE, and none of the
// sources, tests, source maps or node_modules. Reads the zip's central directory itself (no dependencies).
// Usage: node scripts/verify-vsix.mjs [file.vsix] (default: the newest extension/*.vsix). Exit 1 on a problem.
import * as fs from "node:fs";
import * as path from "node:path";
import { inflateRawSync } from "node:zlib";
import { fileURLToPath } from "node:url";

/** Entries of a zip file: name, compression method, sizes and the offset of the local header. */
export function zipEntries(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip file (no end of central directory)");
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error("corrupt central directory");
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const offset = buf.readUInt32LE(p + 42);
    const name = buf.toString("utf8", p + 46, p + 46 + nameLen);
    entries.push({ name, method, compressed, size, offset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

export function readEntry(buf, entry) {
  const nameLen = buf.readUInt16LE(entry.offset + 26);
  const extraLen = buf.readUInt16LE(entry.offset + 28);
  const start = entry.offset + 30 + nameLen + extraLen;
  const data = buf.subarray(start, start + entry.compressed);
  return entry.method === 0 ? data : inflateRawSync(data);
}

export const required = [
  "extension/package.json",
  "extension/dist/extension.js",
  "extension/server/agentcode.dll",
  "extension/server/agentcode.runtimeconfig.json",
  "extension/server/python.wasm",
  "extension/media/webview/panel.js",
  "extension/media/webview/panel.css",
  "extension/media/webview/worker.js",
  "extension/media/webview/pyodide/pyodide.asm.wasm",
  "extension/media/webview/pyodide/python_stdlib.zip",
  "extension/media/icon.png",
  "extension/readme.md",
  "extension/changelog.md",
  "extension/LICENSE.txt",
];

export const forbidden = [/^extension\/src\//, /^extension\/test\//, /^extension\/scripts\//, /\.map$/, /(^|\/)node_modules\//, /\.ts$/, /\.pdb$/, /tsconfig\.json$/];

/** Problems with a vsix, as sentences; empty when it is fine. */
export function verify(buf) {
  const entries = zipEntries(buf);
  const names = new Map(entries.map((e) => [e.name.toLowerCase(), e]));
  const problems = [];
  for (const r of required) if (!names.has(r.toLowerCase())) problems.push(`missing ${r}`);
  for (const e of entries) if (forbidden.some((f) => f.test(e.name))) problems.push(`should not contain ${e.name}`);
  const icon = names.get("extension/media/icon.png");
  if (icon !== undefined) {
    const png = readEntry(buf, icon);
    if (png.readUInt32BE(0) !== 0x89504e47) problems.push("media/icon.png is not a PNG");
    else if (png.readUInt32BE(16) !== 128 || png.readUInt32BE(20) !== 128) problems.push(`media/icon.png is ${png.readUInt32BE(16)}x${png.readUInt32BE(20)}, not 128x128`);
  }
  const manifest = names.get("extension/package.json");
  if (manifest !== undefined) {
    const pkg = JSON.parse(readEntry(buf, manifest).toString("utf8"));
    if (pkg.main !== "./dist/extension.js") problems.push(`package.json main is ${pkg.main}`);
    const ids = (pkg.contributes?.commands ?? []).map((c) => c.command);
    for (const id of ["agentcode.generate", "agentcode.runFile", "agentcode.openPanel", "agentcode.setApiKey", "agentcode.exportNotebook"]) {
      if (!ids.includes(id)) problems.push(`package.json does not contribute ${id}`);
    }
  }
  return { entries, problems };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const ext = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  let file = process.argv[2];
  if (file === undefined) {
    const vsixes = fs.readdirSync(ext).filter((f) => f.endsWith(".vsix")).map((f) => path.join(ext, f));
    vsixes.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
    file = vsixes[0];
    if (file === undefined) {
      console.error("verify-vsix: no extension/*.vsix; run `npm run package` first.");
      process.exit(1);
    }
  }
  const buf = fs.readFileSync(file);
  const { entries, problems } = verify(buf);
  const total = entries.reduce((n, e) => n + e.size, 0);
  console.log(`verify-vsix: ${file}: ${entries.length} files, ${(buf.length / 1048576).toFixed(1)} MB packed, ${(total / 1048576).toFixed(1)} MB unpacked`);
  if (problems.length > 0) {
    for (const p of problems) console.error(`verify-vsix: ${p}`);
    process.exit(1);
  }
  console.log("verify-vsix: ok");
}
