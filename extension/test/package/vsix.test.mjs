// This machine's .vsix that `npm run package` just wrote (its server unpacked and run without dotnet on the PATH):
// scripts/test runs this right after packaging. It fails, never
// skips, when there is no package, and refuses a package older than any source it is built from, so a .vsix
// left over from an earlier run is never the one checked.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { newestVsix, runServer, verify } from "../../scripts/verify-vsix.mjs";

const ext = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const repo = path.dirname(ext);

/** The newest modification time of the files under `dir`, skipping build output and packages. */
function newestSource(dir) {
  let newest = { file: dir, mtimeMs: 0 };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (["bin", "obj", "node_modules", "dist"].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    const candidate = entry.isDirectory() ? newestSource(full) : { file: full, mtimeMs: fs.statSync(full).mtimeMs };
    if (candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  return newest;
}

test("the freshly packaged .vsix is newer than every source it is built from and has everything it needs", async () => {
  const vsix = newestVsix(ext);
  assert.ok(vsix !== undefined, "no extension/*.vsix: run `npm run package` first");
  const packedAt = fs.statSync(vsix).mtimeMs;
  for (const source of [path.join(ext, "src"), path.join(ext, "package.json"), path.join(repo, "webview-pyodide", "src"), path.join(repo, "server")]) {
    const newest = fs.statSync(source).isDirectory() ? newestSource(source) : { file: source, mtimeMs: fs.statSync(source).mtimeMs };
    assert.ok(newest.mtimeMs <= packedAt, `${path.basename(vsix)} is older than ${path.relative(repo, newest.file)}: run \`npm run package\` again`);
  }
  const { entries, problems, target, version } = await verify(fs.readFileSync(vsix));
  assert.deepEqual(problems, [], vsix);
  assert.equal(target, `${process.platform}-${process.arch}`, "the package is this machine's");
  assert.deepEqual(await runServer(entries, target, version), [], "its server runs without dotnet on the PATH");
});
