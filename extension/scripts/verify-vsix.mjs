// Checks a packaged .vsix (a zip, read with yauzl): it must hold the server (agentcode.dll, python.wasm), the panel
// bundle and Pyodide, the extension bundle, the icon (a 128x128 PNG), README, CHANGELOG and LICENSE, and none of
// the sources, tests, source maps or node_modules.
// Usage: node scripts/verify-vsix.mjs [file.vsix] (default: the newest extension/*.vsix). Exit 1 on a problem.
import * as fs from "node:fs";
import * as path from "node:path";
import { buffer } from "node:stream/consumers";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import yauzl from "yauzl";

const openZip = promisify(yauzl.fromBuffer);

/** The entries of a zip held in memory: name, uncompressed size, and a function reading the contents. */
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
      entries.push({ name: entry.fileName, size: entry.uncompressedSize, read: async () => buffer(await openStream(entry)) });
      zip.readEntry();
    });
    zip.on("end", resolve);
    zip.on("error", reject);
    zip.readEntry();
  });
  return entries;
}

/** The most recently written *.vsix in `dir`, or undefined when there is none. */
export function newestVsix(dir) {
  const vsixes = fs.readdirSync(dir).filter((f) => f.endsWith(".vsix")).map((f) => path.join(dir, f));
  vsixes.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return vsixes[0];
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
export async function verify(buf) {
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
  const manifest = names.get("extension/package.json");
  if (manifest !== undefined) {
    const pkg = JSON.parse((await manifest.read()).toString("utf8"));
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
  const file = process.argv[2] ?? newestVsix(ext);
  if (file === undefined) {
    console.error("verify-vsix: no extension/*.vsix; run `npm run package` first.");
    process.exit(1);
  }
  const buf = fs.readFileSync(file);
  const { entries, problems } = await verify(buf);
  const total = entries.reduce((n, e) => n + e.size, 0);
  console.log(`verify-vsix: ${file}: ${entries.length} files, ${(buf.length / 1048576).toFixed(1)} MB packed, ${(total / 1048576).toFixed(1)} MB unpacked`);
  if (problems.length > 0) {
    for (const p of problems) console.error(`verify-vsix: ${p}`);
    process.exit(1);
  }
  console.log("verify-vsix: ok");
}
