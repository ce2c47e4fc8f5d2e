/**
 * The panel's installed Python packages, kept in one folder of the extension's global storage: downloads the
 * dependency closure of what the user picked from the package source (an HTTPS base URL of a Pyodide
 * distribution, or a local folder holding one), verifies each file's SHA-256 against the lock before anything is
 * stored, and records what is installed in `installed.json`. An install stages every missing file first and moves
 * them in only when all of them arrived and matched, so a refused, failed or cancelled install stores nothing.
 * Files already installed (same name and hash) are not downloaded again. No `vscode`: the lock and the fetch
 * function are injected, so tests use their own lock and a loopback mirror.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { canonicalName, dependencyClosure, type LockPackage, type PyodideLock } from "./pyodide_lock";

/** The Pyodide version the panel ships (the npm package `pyodide`); a unit test keeps it in step. */
export const pyodideVersion = "314.0.7";
/** The official CDN path of that version's full distribution. */
export const officialPackageSource = `https://cdn.jsdelivr.net/pyodide/v${pyodideVersion}/full/`;
/** Largest file the installer accepts from a source (numpy, the largest common wheel, is far smaller). */
export const maxPackageFileBytes = 512 * 1024 * 1024;

export type PackageSource = { readonly kind: "url"; readonly base: string } | { readonly kind: "folder"; readonly path: string };

const loopbackHosts = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * Reads the `agentcode.pyodide.packageSource` setting: an https:// base URL, an http:// URL of this machine only
 * (127.0.0.1, [::1] or localhost: a mirror the user runs locally), an absolute folder path or a file:// URL.
 */
export function parsePackageSource(setting: string | undefined): { ok: true; source: PackageSource } | { ok: false; message: string } {
  const value = setting?.trim() ?? "";
  if (value === "") {
    return {
      ok: false,
      message: `No package source is set, so the panel stays offline. Set agentcode.pyodide.packageSource to ${officialPackageSource} (or your mirror of it, or a folder holding a Pyodide ${pyodideVersion} distribution) and try again.`,
    };
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return { ok: false, message: `agentcode.pyodide.packageSource '${value}' is not a valid URL.` };
    }
    if (url.protocol === "file:") return { ok: true, source: { kind: "folder", path: decodeURIComponent(url.pathname) } };
    const local = url.protocol === "http:" && loopbackHosts.has(url.hostname);
    if (url.protocol !== "https:" && !local) {
      return {
        ok: false,
        message: `agentcode.pyodide.packageSource must be an https:// URL (http:// only for a mirror on this machine: 127.0.0.1, [::1] or localhost) or a local folder, not '${value}'.`,
      };
    }
    if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
      return { ok: false, message: "agentcode.pyodide.packageSource must be a plain base URL, without credentials, query or fragment." };
    }
    const base = url.href.endsWith("/") ? url.href : `${url.href}/`;
    return { ok: true, source: { kind: "url", base } };
  }
  if (!path.isAbsolute(value)) {
    return { ok: false, message: `agentcode.pyodide.packageSource must be an https:// URL or an absolute folder path, not '${value}'.` };
  }
  return { ok: true, source: { kind: "folder", path: value } };
}

/** Where the source is, for messages: the URL's origin and path, or the folder. */
export function describeSource(source: PackageSource): string {
  return source.kind === "url" ? source.base : source.path;
}

/** One installed package, as installed.json records it and the panel and the server are told. */
export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  readonly fileName: string;
  readonly sha256: string;
  /** Size of the file in bytes. */
  readonly size: number;
  readonly imports: readonly string[];
  readonly depends: readonly string[];
}

/** Progress of one install; `file` counts from 1. Sizes are bytes; `total` is unknown when the source did not say. */
export interface InstallProgress {
  readonly fileName: string;
  readonly file: number;
  readonly files: number;
  readonly received: number;
  readonly total: number | undefined;
  /** Bytes of the files of this install finished so far. */
  readonly doneBytes: number;
}

export interface InstallOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: InstallProgress) => void;
  /** The fetch to download with (default: the global fetch). */
  readonly fetch?: typeof fetch;
}

export interface InstallReport {
  /** Files downloaded by this install. */
  readonly downloaded: readonly InstalledPackage[];
  /** Packages of the closure that were installed already. */
  readonly present: readonly InstalledPackage[];
  readonly downloadedBytes: number;
}

/** A failure the user can act on; its message is the sentence to show. */
export class PackageInstallError extends Error {}

/** The install was cancelled; nothing was stored. */
export class PackageInstallCancelled extends Error {
  constructor() {
    super("The install was cancelled; nothing was installed.");
  }
}

const manifestName = "installed.json";

interface Manifest {
  readonly version: 1;
  readonly pyodide: string;
  readonly packages: readonly InstalledPackage[];
}

function isInstalledPackage(x: unknown): x is InstalledPackage {
  if (typeof x !== "object" || x === null) return false;
  const p = x as Record<string, unknown>;
  const strings = (a: unknown): boolean => Array.isArray(a) && a.every((s) => typeof s === "string");
  return (
    typeof p.name === "string" &&
    typeof p.version === "string" &&
    typeof p.fileName === "string" &&
    /^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(p.fileName) &&
    !p.fileName.includes("..") &&
    typeof p.sha256 === "string" &&
    typeof p.size === "number" &&
    strings(p.imports) &&
    strings(p.depends)
  );
}

function entryOf(pkg: LockPackage, size: number): InstalledPackage {
  return { name: pkg.name, version: pkg.version, fileName: pkg.fileName, sha256: pkg.sha256, size, imports: pkg.imports, depends: pkg.depends };
}

/** Sizes for people: 512 B, 1.2 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function causeOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code !== undefined && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}

/** The installed packages of one Pyodide version, in one folder (the panel's webview may read it). */
export class PackageStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {}

  /** The installed packages whose file is present, in install order. */
  async list(): Promise<InstalledPackage[]> {
    let json: unknown;
    try {
      json = JSON.parse(await fs.readFile(path.join(this.dir, manifestName), "utf8"));
    } catch {
      return [];
    }
    const packages = (json as Partial<Manifest> | null)?.packages;
    if (!Array.isArray(packages)) return [];
    const present: InstalledPackage[] = [];
    for (const p of packages) {
      if (!isInstalledPackage(p)) continue;
      const stat = await fs.stat(path.join(this.dir, p.fileName)).catch(() => undefined);
      if (stat?.isFile() === true && stat.size === p.size) present.push(p);
    }
    return present;
  }

  /** Installs `names` and their dependencies; one install or removal at a time. */
  install(lock: PyodideLock, names: readonly string[], source: PackageSource, options: InstallOptions = {}): Promise<InstallReport> {
    return this.serial(() => this.doInstall(lock, names, source, options));
  }

  /** Removes the named packages (and their files); returns what was removed. */
  remove(names: readonly string[]): Promise<InstalledPackage[]> {
    return this.serial(async () => {
      const wanted = new Set(names.map(canonicalName));
      const installed = await this.list();
      const removed = installed.filter((p) => wanted.has(canonicalName(p.name)));
      await this.writeManifest(installed.filter((p) => !wanted.has(canonicalName(p.name))));
      for (const p of removed) await fs.rm(path.join(this.dir, p.fileName), { force: true });
      return removed;
    });
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async doInstall(lock: PyodideLock, names: readonly string[], source: PackageSource, options: InstallOptions): Promise<InstallReport> {
    const closure = (() => {
      try {
        return dependencyClosure(lock, names);
      } catch (e) {
        throw new PackageInstallError(e instanceof Error ? e.message : String(e));
      }
    })();
    const installed = await this.list();
    const present: InstalledPackage[] = [];
    const missing: LockPackage[] = [];
    for (const pkg of closure) {
      const have = installed.find((p) => p.fileName === pkg.fileName && p.sha256 === pkg.sha256);
      if (have !== undefined && (await sha256OfFile(path.join(this.dir, have.fileName)).catch(() => "")) === pkg.sha256) present.push(have);
      else missing.push(pkg);
    }
    if (missing.length === 0) return { downloaded: [], present, downloadedBytes: 0 };

    await fs.mkdir(this.dir, { recursive: true });
    const staging = path.join(this.dir, `.staging-${randomBytes(6).toString("hex")}`);
    await fs.mkdir(staging);
    try {
      const downloaded: InstalledPackage[] = [];
      let doneBytes = 0;
      for (const [i, pkg] of missing.entries()) {
        if (options.signal?.aborted === true) throw new PackageInstallCancelled();
        const report = (received: number, total: number | undefined): void =>
          options.onProgress?.({ fileName: pkg.fileName, file: i + 1, files: missing.length, received, total, doneBytes });
        const size = await this.fetchVerified(pkg, source, path.join(staging, pkg.fileName), options, report);
        doneBytes += size;
        downloaded.push(entryOf(pkg, size));
      }
      // Every file arrived and matched: move them in, then record them (a crash in between leaves files unlisted,
      // which the next install simply downloads again).
      for (const p of downloaded) await fs.rename(path.join(staging, p.fileName), path.join(this.dir, p.fileName));
      const keep = installed.filter((p) => !downloaded.some((d) => canonicalName(d.name) === canonicalName(p.name)));
      await this.writeManifest([...keep, ...downloaded]);
      return { downloaded, present, downloadedBytes: doneBytes };
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }

  /** Copies one file of the source to `target`, hashing as it goes; throws unless its SHA-256 is the lock's. */
  private async fetchVerified(
    pkg: LockPackage,
    source: PackageSource,
    target: string,
    options: InstallOptions,
    report: (received: number, total: number | undefined) => void,
  ): Promise<number> {
    const hash = createHash("sha256");
    const out = await fs.open(target, "w");
    let received = 0;
    const write = async (chunk: Uint8Array): Promise<void> => {
      received += chunk.byteLength;
      if (received > maxPackageFileBytes) {
        throw new PackageInstallError(`${pkg.fileName} from the package source is larger than ${formatBytes(maxPackageFileBytes)}; nothing was installed.`);
      }
      hash.update(chunk);
      await out.write(chunk);
    };
    try {
      if (source.kind === "folder") {
        const file = path.join(source.path, pkg.fileName);
        const stat = await fs.stat(file).catch(() => undefined);
        if (stat?.isFile() !== true) {
          throw new PackageInstallError(
            `The folder ${source.path} has no ${pkg.fileName}. Point agentcode.pyodide.packageSource at a folder holding a full Pyodide ${pyodideVersion} distribution; nothing was installed.`,
          );
        }
        report(0, stat.size);
        for await (const chunk of createReadStream(file)) {
          if (options.signal?.aborted === true) throw new PackageInstallCancelled();
          await write(chunk as Buffer);
          report(received, stat.size);
        }
      } else {
        const url = new URL(pkg.fileName, source.base).href;
        let response: Response;
        try {
          response = await (options.fetch ?? fetch)(url, { signal: options.signal });
        } catch (e) {
          if (options.signal?.aborted === true) throw new PackageInstallCancelled();
          throw new PackageInstallError(
            `Could not download ${pkg.fileName} from ${source.base}: ${causeOf(e)}. Check agentcode.pyodide.packageSource and the network; nothing was installed.`,
          );
        }
        if (!response.ok || response.body === null) {
          throw new PackageInstallError(
            `The package source answered HTTP ${response.status} for ${url}. Check that agentcode.pyodide.packageSource is a Pyodide ${pyodideVersion} distribution; nothing was installed.`,
          );
        }
        const length = Number(response.headers.get("content-length") ?? "");
        const total = Number.isFinite(length) && length > 0 ? length : undefined;
        report(0, total);
        try {
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
            await write(chunk);
            report(received, total);
          }
        } catch (e) {
          if (e instanceof PackageInstallError) throw e;
          if (options.signal?.aborted === true) throw new PackageInstallCancelled();
          throw new PackageInstallError(`The download of ${pkg.fileName} from ${source.base} broke off: ${causeOf(e)}. Nothing was installed; try again.`);
        }
      }
    } finally {
      await out.close();
    }
    const actual = hash.digest("hex");
    if (actual !== pkg.sha256) {
      throw new PackageInstallError(
        `${pkg.fileName} from ${describeSource(source)} does not match the SHA-256 in Pyodide ${pyodideVersion}'s pyodide-lock.json (expected ${pkg.sha256.slice(0, 16)}…, got ${actual.slice(0, 16)}…). It was refused and nothing was installed; check that agentcode.pyodide.packageSource is an unmodified Pyodide ${pyodideVersion} distribution.`,
      );
    }
    return received;
  }

  private async writeManifest(packages: readonly InstalledPackage[]): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const manifest: Manifest = { version: 1, pyodide: pyodideVersion, packages };
    const temp = path.join(this.dir, `.${manifestName}.${randomBytes(6).toString("hex")}`);
    await fs.writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`);
    await fs.rename(temp, path.join(this.dir, manifestName));
  }
}

/** Import names of installed packages, for the server and the panel (each once). */
export function installedImports(packages: readonly InstalledPackage[]): string[] {
  return [...new Set(packages.flatMap((p) => p.imports))];
}
