// scripts/verify-vsix.mjs: reads a zip (yauzl) and reports missing parts and files that should not
// ship. Checked on small zips written here; the real .vsix is checked after packaging by test/package/.
import assert from "node:assert/strict";
import { test } from "node:test";
import { buffer } from "node:stream/consumers";
import yazl from "yazl";
import { required, verify, zipEntries } from "../../scripts/verify-vsix.mjs";

/** A zip of the given files, written with yazl. */
async function zip(files) {
  const z = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) z.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name);
  z.end();
  return buffer(z.outputStream);
}

function png(w, h) {
  const b = Buffer.alloc(24);
  b.writeUInt32BE(0x89504e47, 0);
  b.writeUInt32BE(0x0d0a1a0a, 4);
  b.writeUInt32BE(w, 16);
  b.writeUInt32BE(h, 20);
  return b;
}

const manifest = JSON.stringify({
  main: "./dist/extension.js",
  contributes: { commands: ["generate", "runFile", "openPanel", "setApiKey", "exportNotebook"].map((c) => ({ command: `agentcode.${c}` })) },
});

function complete() {
  const files = Object.fromEntries(required.map((r) => [r, "x"]));
  files["extension/package.json"] = manifest;
  files["extension/media/icon.png"] = png(128, 128);
  return files;
}

test("a complete package passes", async () => {
  const { entries, problems } = await verify(await zip(complete()));
  assert.deepEqual(problems, []);
  assert.equal(entries.length, required.length);
});

test("a package without the server or with sources, maps or a wrong icon size fails, naming each problem", async () => {
  const files = complete();
  delete files["extension/server/python.wasm"];
  files["extension/src/main.ts"] = "x";
  files["extension/dist/extension.js.map"] = "x";
  files["extension/media/icon.png"] = png(256, 256);
  const { problems } = await verify(await zip(files));
  assert.deepEqual(problems.sort(), [
    "media/icon.png is 256x256, not 128x128",
    "missing extension/server/python.wasm",
    "should not contain extension/dist/extension.js.map",
    "should not contain extension/src/main.ts",
  ]);
});

test("a file that is not a zip is reported as such", async () => {
  await assert.rejects(zipEntries(Buffer.from("not a zip at all, just text".repeat(3))), /not a zip/);
});
