// The panel's saved Python snapshot: its sparse stored form kept with its size, SHA-256 and unpacked size (a malformed
// page map is refused), offered only when its sidecar names its key and its size still matches (with the recorded
// SHA-256, which the page checks on the bytes it receives), and deleted (so it is rebuilt) when the file is truncated,
// missing or its sidecar wrong or of an older format; one key kept at a time.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { SnapshotStore, sha256Hex, snapshotKey } from "./out/panel/snapshot_store.mjs";

async function store() {
  return new SnapshotStore(path.join(await fs.mkdtemp(path.join(os.tmpdir(), "agentcode-snapshots-")), "snapshots"));
}

/** A snapshot's stored form (as the page offers it): a 3-page heap of 131,172 bytes whose second page is all zero. */
function storedForm() {
  const header = [0x50534741, 1, 65536, 2 * 65536 + 100, 2, 0, 2];
  const stored = new Uint8Array(header.length * 4 + 65536 + 100);
  const view = new DataView(stored.buffer);
  header.forEach((word, i) => view.setUint32(i * 4, word, true));
  for (let i = header.length * 4; i < stored.length; i++) stored[i] = i % 251;
  return stored;
}
const bytes = storedForm();
const unpackedBytes = 2 * 65536 + 100;

test("a saved snapshot is offered with its size, SHA-256 and unpacked size", async () => {
  const s = await store();
  await s.save("pyodide-a", bytes);
  const checked = await s.checked("pyodide-a");
  assert.equal(checked.bytes, bytes.length);
  assert.equal(checked.sha256, sha256Hex(bytes));
  assert.equal(checked.unpackedBytes, unpackedBytes);
  assert.deepEqual(new Uint8Array(await fs.readFile(checked.file)), bytes);
});

test("a snapshot whose page map is malformed is refused with a sentence, and nothing is stored", async () => {
  const s = await store();
  const malformed = storedForm();
  new DataView(malformed.buffer).setUint32(24, 0, true); // pages 0, 0: out of order
  await assert.rejects(s.save("pyodide-a", malformed), /cannot be kept: its page map is malformed \(pages out of order\)/);
  await assert.rejects(s.save("pyodide-a", bytes.subarray(0, 4096)), /page map is malformed/);
  assert.equal(await s.checked("pyodide-a"), undefined);
});

test("a sidecar of the format before the sparse one, without an unpacked size, is not trusted and is deleted", async () => {
  const s = await store();
  await s.save("pyodide-a", bytes);
  await fs.writeFile(path.join(s.dir, "pyodide-a.json"), JSON.stringify({ key: "pyodide-a", bytes: bytes.length, sha256: sha256Hex(bytes) }));
  assert.equal(await s.checked("pyodide-a"), undefined);
  assert.deepEqual((await fs.readdir(s.dir)).filter((n) => n.startsWith("pyodide-a")), []);
});

test("a truncated, grown or missing snapshot is not offered and is deleted", async () => {
  for (const damage of [
    async (file) => fs.truncate(file, 100),
    async (file) => fs.appendFile(file, new Uint8Array(1)),
    async (file) => fs.rm(file),
  ]) {
    const s = await store();
    const saved = await s.save("pyodide-a", bytes);
    await damage(saved.file);
    assert.equal(await s.checked("pyodide-a"), undefined);
    assert.deepEqual((await fs.readdir(s.dir)).filter((n) => n.startsWith("pyodide-a")), []);
  }
});

test("a snapshot whose bytes changed but not its size is offered with the SHA-256 it was saved with, which the page checks", async () => {
  const s = await store();
  const saved = await s.save("pyodide-a", bytes);
  const changed = Buffer.from(bytes);
  changed[10] ^= 0xff;
  await fs.writeFile(saved.file, changed);
  const offered = await s.checked("pyodide-a");
  assert.equal(offered.sha256, sha256Hex(bytes));
  assert.notEqual(offered.sha256, sha256Hex(changed));
});

test("a sidecar without a SHA-256 is not trusted", async () => {
  const s = await store();
  await s.save("pyodide-a", bytes);
  await fs.writeFile(path.join(s.dir, "pyodide-a.json"), JSON.stringify({ key: "pyodide-a", bytes: bytes.length, unpackedBytes }));
  assert.equal(await s.checked("pyodide-a"), undefined);
  assert.deepEqual((await fs.readdir(s.dir)).filter((n) => n.startsWith("pyodide-a")), []);
});

test("a sidecar that names another key is not trusted", async () => {
  const s = await store();
  await s.save("pyodide-a", bytes);
  await fs.writeFile(path.join(s.dir, "pyodide-a.json"), JSON.stringify({ key: "pyodide-b", bytes: bytes.length, sha256: sha256Hex(bytes), unpackedBytes }));
  assert.equal(await s.checked("pyodide-a"), undefined);
});

test("saving under a new key removes the snapshots of older keys", async () => {
  const s = await store();
  await s.save("pyodide-old", bytes);
  await s.save("pyodide-new", bytes);
  assert.deepEqual((await fs.readdir(s.dir)).sort(), ["pyodide-new.json", "pyodide-new.snapshot"]);
  assert.equal(await s.checked("pyodide-old"), undefined);
});

test("the key changes with any of the files it depends on", () => {
  const a = snapshotKey([new Uint8Array([1, 2]), new Uint8Array([3])]);
  assert.equal(a, snapshotKey([new Uint8Array([1, 2]), new Uint8Array([3])]));
  assert.notEqual(a, snapshotKey([new Uint8Array([1, 2]), new Uint8Array([4])]));
  assert.notEqual(a, snapshotKey([new Uint8Array([1]), new Uint8Array([2, 3])]));
  // The stored format's version is in the key, so files of an older format are never offered.
  assert.match(a, /^pyodide-s1-[0-9a-f]{32}$/);
});
