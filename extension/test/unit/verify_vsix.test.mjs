// scripts/verify-vsix.mjs: reads a zip (yauzl) and reports missing parts, files that should not ship, natives of
// another platform and versions that disagree. Checked on small zips written here (binaries are their first bytes),
// and the real .vsix is checked after packaging by test/package/.
import assert from "node:assert/strict";
import { test } from "node:test";
import { buffer } from "node:stream/consumers";
import yazl from "yazl";
import { binaryPlatform, changelogVersion, required, verify, zipEntries } from "../../scripts/verify-vsix.mjs";

/** A zip of the given files (a name maps to contents, or to {data, mode}), written with yazl. */
async function zip(files) {
  const z = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) {
    const { data, mode } = Buffer.isBuffer(content) || typeof content === "string" ? { data: content, mode: 0o644 } : content;
    z.addBuffer(Buffer.isBuffer(data) ? data : Buffer.from(data), name, { mode });
  }
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

/** The first bytes of an ELF file for a machine (62 x86-64, 183 aarch64). */
function elf(machine) {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b.writeUInt16LE(machine, 18);
  return b;
}

/** The first bytes of a 64-bit Mach-O file for a CPU type. */
function macho(cpu) {
  const b = Buffer.alloc(64);
  b.writeUInt32LE(0xfeedfacf, 0);
  b.writeUInt32LE(cpu, 4);
  return b;
}

/** The first bytes of a PE file with a COFF machine field. */
function pe(machine) {
  const b = Buffer.alloc(0x100);
  b.write("MZ", 0, "latin1");
  b.writeUInt32LE(0x80, 0x3c);
  b.write("PE\0\0", 0x80, "latin1");
  b.writeUInt16LE(machine, 0x84);
  return b;
}

const manifest = JSON.stringify({
  version: "0.1.7",
  main: "./dist/extension.js",
  contributes: { commands: ["generate", "runFile", "openPanel", "setApiKey", "exportNotebook"].map((c) => ({ command: `agentcode.${c}` })) },
});

/** A complete linux-x64 package. */
function complete() {
  const files = Object.fromEntries(required.map((r) => [r, "x"]));
  files["extension/package.json"] = manifest;
  files["extension/media/icon.png"] = png(128, 128);
  files["extension/changelog.md"] = "# Changelog\n\n## 0.1\n\n- First release.\n";
  files["extension/server/platform.json"] = JSON.stringify({ target: "linux-x64", rid: "linux-x64", version: "0.1.7" });
  files["extension/server/agentcode"] = { data: elf(62), mode: 0o755 };
  files["extension/server/libwasmtime.so"] = elf(62);
  files["extension/server/agentcode.dll"] = pe(0x8664 ^ 0x7b79);
  files["extension/server/OpenAI.dll"] = pe(0x14c);
  files["extension/server/agentcode.runtimeconfig.json"] = JSON.stringify({ runtimeOptions: { tfm: "net10.0", includedFrameworks: [{ name: "Microsoft.NETCore.App", version: "10.0.12" }] } });
  return files;
}

test("a complete linux-x64 package passes", async () => {
  const files = complete();
  const { entries, problems, target, version } = await verify(await zip(files));
  assert.deepEqual(problems, []);
  assert.equal(entries.length, Object.keys(files).length);
  assert.equal(target, "linux-x64");
  assert.equal(version, "0.1.7");
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

test("a package carrying another platform's natives fails, naming each file", async () => {
  const files = complete();
  files["extension/server/libwasmtime.dylib"] = macho(0x0100000c);
  files["extension/server/runtimes/win-arm64/native/wasmtime.dll"] = pe(0xaa64);
  files["extension/server/libcoreclr.so"] = elf(183);
  files["extension/server/System.Private.CoreLib.dll"] = pe(0x8664 ^ 0x4644);
  const { problems } = await verify(await zip(files));
  assert.deepEqual(problems.sort(), [
    "extension/server/System.Private.CoreLib.dll is built for darwin-x64, not linux-x64",
    "extension/server/libcoreclr.so is built for linux-arm64, not linux-x64",
    "extension/server/libwasmtime.dylib is built for darwin-arm64, not linux-x64",
    "extension/server/runtimes/win-arm64/native/wasmtime.dll is built for win32-arm64, not linux-x64",
    "should not contain extension/server/libwasmtime.dylib (Wasmtime for another platform)",
    "should not contain extension/server/runtimes/win-arm64/native/wasmtime.dll",
  ]);
});

test("a package checked against another target, or without its own Wasmtime, an executable or a self-contained server, fails", async () => {
  const files = complete();
  delete files["extension/server/libwasmtime.so"];
  files["extension/server/agentcode"] = { data: elf(62), mode: 0o644 };
  files["extension/server/agentcode.runtimeconfig.json"] = JSON.stringify({ runtimeOptions: { tfm: "net10.0", framework: { name: "Microsoft.NETCore.App", version: "10.0.0" } } });
  const { problems } = await verify(await zip(files));
  assert.deepEqual(problems.sort(), [
    "extension/server/agentcode is not executable in the package",
    "missing extension/server/libwasmtime.so (Wasmtime for linux-x64)",
    "the server is not self-contained: agentcode.runtimeconfig.json asks for an installed .NET runtime",
  ]);
  const other = await verify(await zip(complete()), "darwin-arm64");
  assert.ok(other.problems.includes("server/platform.json names linux-x64, not darwin-arm64"), other.problems.join("\n"));
  assert.ok(other.problems.includes("missing extension/server/libwasmtime.dylib (Wasmtime for darwin-arm64)"), other.problems.join("\n"));
});

test("the version is one: package.json, platform.json and the changelog's newest heading agree", async () => {
  const files = complete();
  files["extension/server/platform.json"] = JSON.stringify({ target: "linux-x64", rid: "linux-x64", version: "0.1.6" });
  files["extension/changelog.md"] = "# Changelog\n\n## 0.2\n\n## 0.1\n";
  const { problems } = await verify(await zip(files));
  assert.deepEqual(problems.sort(), [
    "CHANGELOG.md's newest heading is 0.2, not ## 0.1 for version 0.1.7",
    "server/platform.json has version 0.1.6, package.json 0.1.7",
  ]);
});

test("binaries are told apart by format, operating system and CPU, ReadyToRun code included", () => {
  assert.deepEqual(binaryPlatform(elf(62)), { os: "linux", arch: "x64" });
  assert.deepEqual(binaryPlatform(elf(183)), { os: "linux", arch: "arm64" });
  assert.deepEqual(binaryPlatform(macho(0x01000007)), { os: "darwin", arch: "x64" });
  assert.deepEqual(binaryPlatform(pe(0xaa64)), { os: "win32", arch: "arm64" });
  assert.deepEqual(binaryPlatform(pe(0x8664 ^ 0x7b79)), { os: "linux", arch: "x64" });
  assert.equal(binaryPlatform(pe(0x14c)), "neutral");
  assert.equal(binaryPlatform(Buffer.from("#!/bin/sh\necho not a binary at all, just a script of some length\n")), undefined);
  assert.equal(changelogVersion("# Changelog\n\n## 0.3\n- x\n## 0.2\n"), "0.3");
});

test("a file that is not a zip is reported as such", async () => {
  await assert.rejects(zipEntries(Buffer.from("not a zip at all, just text".repeat(3))), /not a zip/);
});
