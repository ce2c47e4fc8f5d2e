/**
 * Keeps the panel's Pyodide memory snapshot between sessions, in the extension's global storage: one file per key
 * (the key names the stored format, the Pyodide files and the panel bundle the snapshot was made with, so any upgrade
 * selects a new one) with a JSON sidecar recording its size, SHA-256 and unpacked size. The file is the snapshot's
 * sparse stored form as the page offered it (webview-pyodide/src/sparse_snapshot.ts), saved only if its page map is
 * well formed; the page is told the unpacked size before the bytes arrive, and checks the page map again. A snapshot is offered to a page only when its sidecar
 * names its key and its file has the recorded size; the page then checks the SHA-256 of the bytes it actually
 * received before Python sees them, and reports a mismatch, upon which the snapshot is deleted (discard). So the
 * 30 MB are hashed once, by the side that uses them, and not read again here each time a panel opens. Anything that
 * fails is deleted, so a stale or corrupt snapshot is rebuilt, never trusted. Node only (fs, crypto), no `vscode`,
 * so it is unit-tested.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { readSparse, sparseFormatVersion } from "../../../webview-pyodide/src/sparse_snapshot";

/** Largest unpacked snapshot kept (Pyodide's heap after start is far smaller). */
const maxUnpackedBytes = 1024 * 1024 * 1024;

/** A snapshot to offer: its file, size in bytes, the SHA-256 (hex) its bytes must have, and its unpacked size. */
export interface StoredSnapshot {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly unpackedBytes: number;
}

interface Sidecar {
  readonly key: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly unpackedBytes: number;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The key of a snapshot: the stored format's version and a hash of everything it depends on (Pyodide's files, the
 * panel's worker bundle). A file of an older format has another key, so it is never offered and the next save removes it.
 */
export function snapshotKey(parts: readonly Uint8Array[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(sha256Hex(part));
  return `pyodide-s${sparseFormatVersion}-${hash.digest("hex").slice(0, 32)}`;
}

export class SnapshotStore {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    return path.join(this.dir, `${key}.snapshot`);
  }

  private sidecar(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  /**
   * The snapshot stored under `key` when its sidecar names that key and its file has the recorded size; otherwise it
   * is deleted. Its SHA-256 is the recorded one, for the page to check the bytes against (the file is not read here).
   */
  async checked(key: string): Promise<StoredSnapshot | undefined> {
    let meta: Sidecar;
    let size: number;
    try {
      meta = JSON.parse(await fs.readFile(this.sidecar(key), "utf8")) as Sidecar;
      size = (await fs.stat(this.file(key))).size;
    } catch {
      await this.discard(key);
      return undefined;
    }
    const unpacked = meta.unpackedBytes;
    if (
      meta.key !== key ||
      meta.bytes !== size ||
      typeof meta.sha256 !== "string" ||
      !/^[0-9a-f]{64}$/.test(meta.sha256) ||
      !Number.isSafeInteger(unpacked) ||
      unpacked < 1 ||
      unpacked > maxUnpackedBytes
    ) {
      await this.discard(key);
      return undefined;
    }
    return { file: this.file(key), bytes: meta.bytes, sha256: meta.sha256, unpackedBytes: unpacked };
  }

  /**
   * Stores a snapshot's sparse stored form under `key` (through temporary names, so a crash never leaves half a file)
   * and removes older keys'. One whose page map is malformed is refused with an error saying so, and nothing is stored.
   */
  async save(key: string, bytes: Uint8Array): Promise<StoredSnapshot> {
    const sparse = readSparse(bytes, maxUnpackedBytes);
    if (!sparse.ok) throw new Error(`The panel offered a Python snapshot that cannot be kept: ${sparse.reason}.`);
    await fs.mkdir(this.dir, { recursive: true });
    const meta: Sidecar = { key, bytes: bytes.length, sha256: sha256Hex(bytes), unpackedBytes: sparse.snapshot.unpackedBytes };
    const suffix = `.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(this.file(key) + suffix, bytes);
    await fs.rename(this.file(key) + suffix, this.file(key));
    await fs.writeFile(this.sidecar(key) + suffix, JSON.stringify(meta));
    await fs.rename(this.sidecar(key) + suffix, this.sidecar(key));
    for (const name of await fs.readdir(this.dir)) {
      if (!name.startsWith(`${key}.`) && (name.endsWith(".snapshot") || name.endsWith(".json"))) await fs.rm(path.join(this.dir, name), { force: true });
    }
    return { file: this.file(key), bytes: meta.bytes, sha256: meta.sha256, unpackedBytes: meta.unpackedBytes };
  }

  /** Deletes what is stored under `key`. */
  async discard(key: string): Promise<void> {
    await fs.rm(this.file(key), { force: true });
    await fs.rm(this.sidecar(key), { force: true });
  }
}
