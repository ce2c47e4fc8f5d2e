// scripts/verify-vsix.mjs: reads a zip's directory itself and reports missing parts and files that should not
// ship. Checked on small zips written here, and on the real extension/*.vsix when one has been packaged.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { crc32, deflateRawSync } from "node:zlib";
import { required, verify, zipEntries } from "../../scripts/verify-vsix.mjs";

const ext = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A minimal zip writer (deflate), enough to feed verify(). */
function zip(files) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const packed = deflateRawSync(data);
    const n = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(crc32(data), 16);
    c.writeUInt32LE(packed.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE(offset, 42);
    locals.push(local, n, packed);
    central.push(c, n);
    offset += 30 + n.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
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

test("a complete package passes", () => {
  const { entries, problems } = verify(zip(complete()));
  assert.deepEqual(problems, []);
  assert.equal(entries.length, required.length);
});

test("a package without the server or with sources, maps or a wrong icon size fails, naming each problem", () => {
  const files = complete();
  delete files["extension/server/python.wasm"];
  files["extension/src/main.ts"] = "x";
  files["extension/dist/extension.js.map"] = "x";
  files["extension/media/icon.png"] = png(256, 256);
  const { problems } = verify(zip(files));
  assert.deepEqual(problems.sort(), [
    "media/icon.png is 256x256, not 128x128",
    "missing extension/server/python.wasm",
    "should not contain extension/dist/extension.js.map",
    "should not contain extension/src/main.ts",
  ]);
});

test("a file that is not a zip is reported as such", () => {
  assert.throws(() => zipEntries(Buffer.from("not a zip at all, just text".repeat(3))), /not a zip/);
});

test("the packaged extension/*.vsix, when there is one, has everything it needs", (t) => {
  const vsix = fs.readdirSync(ext).filter((f) => f.endsWith(".vsix"));
  if (vsix.length === 0) {
    t.skip("no .vsix yet (npm run package)");
    return;
  }
  for (const f of vsix) assert.deepEqual(verify(fs.readFileSync(path.join(ext, f))).problems, [], f);
});
