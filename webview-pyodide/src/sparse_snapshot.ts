/**
 * The stored form of a memory snapshot: Pyodide's heap without its all-zero 64 KiB pages (about half of them), so
 * the page and the host read, pass, copy and hash about 16 MB instead of 30. Format (little-endian 32-bit words): the
 * magic "AGSP", the format version, the page size (65536), the unpacked size in bytes, the count N of stored pages,
 * then N page numbers in strictly increasing order, each below the number of pages, then those pages' bytes in that
 * order (a full page each, except a last page of the unpacked snapshot, which is as long as what is left). Nothing
 * else: the length is exactly what the header says. `readSparse` checks all of that strictly; anything malformed is
 * refused, never trusted. Shared by the page (packs the snapshot it made, checks and unpacks a saved one) and the
 * extension host (reads the unpacked size to record in its sidecar).
 */

/** Bumped with any change of the format; the host's snapshot key names it, so older files are ignored and rebuilt. */
export const sparseFormatVersion = 1;
const magic = 0x50534741; // "AGSP" read as a little-endian word
const pageBytes = 65536;
const headerWords = 5;

/** A checked stored snapshot: its unpacked size and where each stored page goes. */
export interface SparseSnapshot {
  readonly unpackedBytes: number;
  readonly pages: Uint32Array;
  readonly dataOffset: number;
}

function pageLength(page: number, unpackedBytes: number): number {
  return Math.min(pageBytes, unpackedBytes - page * pageBytes);
}

function isZero(bytes: Uint8Array, start: number, end: number): boolean {
  // Word by word where aligned (the heap is), then the rest.
  let i = start;
  if (start % 4 === 0 && bytes.byteOffset % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset + start, (end - start) >> 2);
    for (let w = 0; w < words.length; w++) if (words[w] !== 0) return false;
    i = start + words.length * 4;
  }
  for (; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** The stored form of a snapshot: its non-zero pages with the header and page map. */
export function packSnapshot(full: Uint8Array): Uint8Array {
  const pageCount = Math.ceil(full.length / pageBytes);
  const kept: number[] = [];
  let dataBytes = 0;
  for (let page = 0; page < pageCount; page++) {
    const start = page * pageBytes;
    const length = pageLength(page, full.length);
    if (!isZero(full, start, start + length)) {
      kept.push(page);
      dataBytes += length;
    }
  }
  const dataOffset = (headerWords + kept.length) * 4;
  const out = new Uint8Array(dataOffset + dataBytes);
  const view = new DataView(out.buffer);
  [magic, sparseFormatVersion, pageBytes, full.length, kept.length].forEach((word, i) => view.setUint32(i * 4, word, true));
  let at = dataOffset;
  kept.forEach((page, i) => {
    view.setUint32((headerWords + i) * 4, page, true);
    const length = pageLength(page, full.length);
    out.set(full.subarray(page * pageBytes, page * pageBytes + length), at);
    at += length;
  });
  return out;
}

/** The checked layout of a stored snapshot, or why it is malformed (then it must be refused). */
export function readSparse(stored: Uint8Array, maxUnpackedBytes: number): { ok: true; snapshot: SparseSnapshot } | { ok: false; reason: string } {
  const bad = (reason: string): { ok: false; reason: string } => ({ ok: false, reason: `its page map is malformed (${reason})` });
  if (stored.length < headerWords * 4) return bad("shorter than its header");
  const view = new DataView(stored.buffer, stored.byteOffset, stored.byteLength);
  const word = (i: number): number => view.getUint32(i * 4, true);
  if (word(0) !== magic) return bad("not a stored snapshot");
  if (word(1) !== sparseFormatVersion) return bad(`format ${word(1)}, not ${sparseFormatVersion}`);
  if (word(2) !== pageBytes) return bad(`page size ${word(2)}`);
  const unpackedBytes = word(3);
  if (unpackedBytes < 1 || unpackedBytes > maxUnpackedBytes) return bad(`unpacked size ${unpackedBytes} out of range`);
  const pageCount = Math.ceil(unpackedBytes / pageBytes);
  const count = word(4);
  if (count > pageCount) return bad(`${count} pages stored of ${pageCount}`);
  const dataOffset = (headerWords + count) * 4;
  if (stored.length < dataOffset) return bad("shorter than its page map");
  const pages = new Uint32Array(count);
  let expected = dataOffset;
  for (let i = 0; i < count; i++) {
    const page = word(headerWords + i);
    if (page >= pageCount) return bad(`page ${page} beyond ${pageCount}`);
    if (i > 0 && page <= pages[i - 1]) return bad("pages out of order");
    pages[i] = page;
    expected += pageLength(page, unpackedBytes);
  }
  if (stored.length !== expected) return bad(`${stored.length} bytes where the map says ${expected}`);
  return { ok: true, snapshot: { unpackedBytes, pages, dataOffset } };
}

/** Writes a checked stored snapshot's pages into `target` (zeroed, of the unpacked size). */
export function unpackInto(stored: Uint8Array, sparse: SparseSnapshot, target: Uint8Array): void {
  if (target.length !== sparse.unpackedBytes) throw new Error("The snapshot's target is not of its unpacked size.");
  let at = sparse.dataOffset;
  for (const page of sparse.pages) {
    const length = pageLength(page, sparse.unpackedBytes);
    target.set(stored.subarray(at, at + length), page * pageBytes);
    at += length;
  }
}
