// The sparse stored form of a memory snapshot (src/sparse_snapshot.ts), at the Node level: it keeps exactly the
// non-zero pages and unpacks to the original bytes, and a malformed page map (any header field, bound, order, count
// or length wrong) is refused rather than trusted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = await build({ entryPoints: [join(here, "..", "src/sparse_snapshot.ts")], bundle: true, format: "esm", platform: "node", write: false, logLevel: "warning" });
const { packSnapshot, readSparse, unpackInto } = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);

const page = 65536;
const max = 1 << 30;

/** Five pages and a 100-byte tail: pages 1 and 3 all zero, the tail not. */
function heap() {
  const bytes = new Uint8Array(5 * page + 100);
  for (const p of [0, 2, 4]) bytes.fill(p + 1, p * page + 7, p * page + 900);
  bytes[5 * page + 99] = 9;
  return bytes;
}

function unpack(stored, unpackedBytes) {
  const read = readSparse(stored, max);
  assert.ok(read.ok, read.reason);
  const target = new Uint8Array(unpackedBytes);
  unpackInto(stored, read.snapshot, target);
  return target;
}

test("a packed snapshot keeps only its non-zero pages and unpacks to the same bytes", () => {
  const full = heap();
  const stored = packSnapshot(full);
  assert.equal(stored.length, (5 + 4) * 4 + 3 * page + 100);
  assert.deepEqual([...readSparse(stored, max).snapshot.pages], [0, 2, 4, 5]);
  assert.deepEqual(unpack(stored, full.length), full);
});

test("an all-zero snapshot is stored as its header alone, and a snapshot without zero pages keeps them all", () => {
  const zero = new Uint8Array(3 * page);
  assert.equal(packSnapshot(zero).length, 20);
  assert.deepEqual(unpack(packSnapshot(zero), zero.length), zero);
  const dense = new Uint8Array(2 * page).fill(1);
  assert.deepEqual(unpack(packSnapshot(dense), dense.length), dense);
});

/** The stored form of heap() with its `word`th 32-bit word set to `value`. */
function withWord(word, value) {
  const stored = packSnapshot(heap());
  new DataView(stored.buffer).setUint32(word * 4, value, true);
  return stored;
}

for (const [name, stored, reason] of [
  ["a wrong magic number", withWord(0, 0x12345678), /not a stored snapshot/],
  ["another format version", withWord(1, 2), /format 2/],
  ["another page size", withWord(2, 4096), /page size/],
  ["an unpacked size of zero", withWord(3, 0), /out of range/],
  ["an unpacked size beyond the limit", withWord(3, max + 1), /out of range/],
  ["an unpacked size that moves the last page", withWord(3, 5 * page + 200), /bytes where the map says/],
  ["more stored pages than the snapshot has", withWord(4, 7), /pages stored of/],
  ["a stored page count that disagrees with the length", withWord(4, 3), /bytes where the map says|out of order/],
  ["a page beyond the last", withWord(8, 6), /beyond/],
  ["pages out of order", withWord(6, 0), /out of order/],
  ["a page stored twice", withWord(7, 2), /out of order/],
  ["bytes missing at the end", packSnapshot(heap()).subarray(0, -1), /bytes where the map says/],
  ["bytes added at the end", new Uint8Array([...packSnapshot(heap()), 0]), /bytes where the map says/],
  ["less than a header", new Uint8Array(19), /shorter than its header/],
  ["a page map longer than the bytes", withWord(4, 6).subarray(0, 40), /shorter than its page map/],
]) {
  test(`a stored snapshot with ${name} is refused`, () => {
    const read = readSparse(stored, max);
    assert.equal(read.ok, false);
    assert.match(read.reason, /page map is malformed/);
    assert.match(read.reason, reason);
  });
}

test("unpacking into a target of another size throws rather than writing part of it", () => {
  const stored = packSnapshot(heap());
  const read = readSparse(stored, max);
  assert.throws(() => unpackInto(stored, read.snapshot, new Uint8Array(page)), /unpacked size/);
});
