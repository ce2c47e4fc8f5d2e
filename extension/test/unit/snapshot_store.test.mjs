// The panel's saved Python snapshot: stored with its size and SHA-256, offered only when its sidecar names its key
// and its size still matches (with the recorded SHA-256, which the page checks on the bytes it receives), and deleted
// (so it is rebuilt) when the file is truncated, missing or its sidecar wrong; one key kept at a time.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { SnapshotStore, sha256Hex, snapshotKey } from "./out/panel/snapshot_store.mjs";

async function store() {
  return new SnapshotStore(path.join(await fs.mkdtemp(path.join(os.tmpdir(), "agentcode-snapshots-")), "snapshots"));
}

const bytes = new Uint8Array(Array.from({ length: 4096 }, (_, i) => i % 251));

test("a saved snapshot is offered with its size and SHA-256", async () => {
  const s = await store();
  await s.save("pyodide-a", bytes);
  const checked = await s.checked("pyodide-a");
  assert.equal(checked.bytes, bytes.length);
  assert.equal(checked.sha256, sha256Hex(bytes));
  assert.deepEqual(new Uint8Array(await fs.readFile(checked.file)), bytes);
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
  await fs.writeFile(path.join(s.dir, "pyodide-a.json"), JSON.stringify({ key: "pyodide-a", bytes: bytes.length }));
  assert.equal(await s.checked("pyodide-a"), undefined);
  assert.deepEqual((await fs.readdir(s.dir)).filter((n) => n.startsWith("pyodide-a")), []);
});

test("a sidecar that names another key is not trusted", async () => {
  const s = await store();
  await s.save("pyodide-a", bytes);
  await fs.writeFile(path.join(s.dir, "pyodide-a.json"), JSON.stringify({ key: "pyodide-b", bytes: bytes.length, sha256: sha256Hex(bytes) }));
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
  assert.match(a, /^pyodide-[0-9a-f]{32}$/);
});
