/**
 * The packages installed for the panel, as the page knows them from the host's `packages/installed` message: the
 * package folder's webview URL and each package's file and SHA-256. The page reads a file from that folder (the
 * panel's own resource origin, so the CSP is unchanged) only when its worker asks for a file of an installed
 * package, checks the bytes against the SHA-256 before handing them over, and answers anything else with an error.
 * The worker never reaches the folder, the host or the network itself.
 */

import type { InstalledPackage } from "./protocol";

export type PackageFile = { readonly ok: true; readonly file: Blob } | { readonly ok: false; readonly message: string };

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export class PackageShelf {
  private base = "";
  private byFile = new Map<string, InstalledPackage>();
  private list: readonly string[] = [];
  /** Verified files of this page, so a restarted worker does not make the page read them again. */
  private readonly cache = new Map<string, Promise<PackageFile>>();

  /** Replaces the installed set (the host sends it at start and after every install or removal). */
  update(base: string, packages: readonly InstalledPackage[]): void {
    this.base = base.replace(/\/+$/, "");
    this.byFile = new Map(packages.map((p) => [p.fileName, p]));
    this.list = packages.map((p) => p.name);
    for (const key of [...this.cache.keys()]) if (!this.byFile.has(key)) this.cache.delete(key);
  }

  /** Lock names of the installed packages. */
  get names(): readonly string[] {
    return this.list;
  }

  /** The verified bytes of an installed package's file, or why not. */
  file(fileName: string): Promise<PackageFile> {
    const pkg = this.byFile.get(fileName);
    if (pkg === undefined) {
      return Promise.resolve({ ok: false, message: `${fileName} is not an installed package of the panel.` });
    }
    const key = fileName;
    let pending = this.cache.get(key);
    if (pending === undefined) {
      pending = this.read(pkg);
      this.cache.set(key, pending);
      // A failed read is not remembered: reinstalling the package must be able to fix it.
      void pending.then((r) => {
        if (!r.ok && this.cache.get(key) === pending) this.cache.delete(key);
      });
    }
    return pending;
  }

  private async read(pkg: InstalledPackage): Promise<PackageFile> {
    const reinstall = "Reinstall it with 'AgentCode: Install Python Packages for the Panel…'.";
    let bytes: ArrayBuffer;
    try {
      const response = await fetch(`${this.base}/${encodeURIComponent(pkg.fileName)}`);
      if (!response.ok) return { ok: false, message: `The panel could not read the installed package ${pkg.name} (HTTP ${response.status}). ${reinstall}` };
      bytes = await response.arrayBuffer();
    } catch (error) {
      return { ok: false, message: `The panel could not read the installed package ${pkg.name}: ${error instanceof Error ? error.message : String(error)}. ${reinstall}` };
    }
    const actual = hex(await crypto.subtle.digest("SHA-256", bytes));
    if (actual !== pkg.sha256) {
      return { ok: false, message: `The installed file of ${pkg.name} was changed since it was installed (its SHA-256 differs), so it was not loaded. ${reinstall}` };
    }
    return { ok: true, file: new Blob([bytes]) };
  }
}
