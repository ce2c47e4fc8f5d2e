/**
 * Pyodide's package list, `pyodide-lock.json`, as the extension host reads it: each package's wheel file name,
 * SHA-256, import names and dependencies. The lock comes from the npm package the panel ships (never from the
 * package source, which is only trusted for bytes that match it). Resolves the dependency closure of what the user
 * picks, dependencies first. Pure: no `vscode`, no file system.
 */
import * as v from "valibot";

/** One package of the lock, as the installer needs it. */
export interface LockPackage {
  /** The name as the lock spells it (e.g. `python-dateutil`). */
  readonly name: string;
  readonly version: string;
  /** The wheel's (or shared library archive's) plain file name. */
  readonly fileName: string;
  /** Lower-case hex SHA-256 of the file. */
  readonly sha256: string;
  /** Top-level import names the package provides. */
  readonly imports: readonly string[];
  /** Canonical names of the packages it needs. */
  readonly depends: readonly string[];
}

export interface PyodideLock {
  /** Canonical name (see canonicalName) -> package. */
  readonly packages: ReadonlyMap<string, LockPackage>;
}

const plainFileName = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, "file_name must be a plain file name"),
  v.check((name) => !name.includes(".."), "file_name must be a plain file name"),
);
const EntrySchema = v.object({
  name: v.pipe(v.string(), v.minLength(1)),
  version: v.string(),
  file_name: plainFileName,
  sha256: v.pipe(v.string(), v.regex(/^[0-9a-fA-F]{64}$/, "sha256 must be 64 hex digits")),
  imports: v.optional(v.array(v.string()), []),
  depends: v.optional(v.array(v.string()), []),
});
const LockSchema = v.object({ packages: v.record(v.string(), v.unknown()) });

/** The name Pyodide and pip compare package names by: runs of `-`, `_`, `.` become `-`, lower case. */
export function canonicalName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/** Parses the text of a pyodide-lock.json; throws an Error with one sentence when it is not one. */
export function parseLock(text: string): PyodideLock {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error("pyodide-lock.json is not valid JSON.");
  }
  const lock = v.safeParse(LockSchema, json);
  if (!lock.success) throw new Error("pyodide-lock.json has no 'packages' object.");
  const packages = new Map<string, LockPackage>();
  for (const [key, raw] of Object.entries(lock.output.packages)) {
    const entry = v.safeParse(EntrySchema, raw);
    if (!entry.success) throw new Error(`pyodide-lock.json: package '${key}': ${entry.issues[0].message}.`);
    const e = entry.output;
    packages.set(canonicalName(e.name), {
      name: e.name,
      version: e.version,
      fileName: e.file_name,
      sha256: e.sha256.toLowerCase(),
      imports: e.imports,
      depends: e.depends.map(canonicalName),
    });
  }
  return { packages };
}

/** The lock's package of this name (any spelling), or undefined. */
export function findPackage(lock: PyodideLock, name: string): LockPackage | undefined {
  return lock.packages.get(canonicalName(name));
}

/**
 * The packages `names` need, each once, every dependency before the packages that need it. Throws an Error naming
 * the first unknown package (a name the user typed, or a dependency the lock lacks).
 */
export function dependencyClosure(lock: PyodideLock, names: readonly string[]): LockPackage[] {
  const ordered: LockPackage[] = [];
  const seen = new Set<string>();
  const visit = (name: string, neededBy: string | undefined): void => {
    const key = canonicalName(name);
    if (seen.has(key)) return;
    seen.add(key);
    const pkg = lock.packages.get(key);
    if (pkg === undefined) {
      throw new Error(
        neededBy === undefined
          ? `Pyodide's package list has no package '${name}'. Pick one of the packages the install command lists.`
          : `Pyodide's package list has no package '${name}', which '${neededBy}' needs.`,
      );
    }
    for (const dep of pkg.depends) visit(dep, pkg.name);
    ordered.push(pkg);
  };
  for (const name of names) visit(name, undefined);
  return ordered;
}

/** Canonical names of the packages among `installed` that need (directly or not) one of `names`. */
export function dependents(lock: PyodideLock, installed: readonly string[], names: readonly string[]): string[] {
  const removed = new Set(names.map(canonicalName));
  const result: string[] = [];
  for (const name of installed.map(canonicalName)) {
    if (removed.has(name)) continue;
    const needs = (() => {
      try {
        return dependencyClosure(lock, [name]).some((p) => removed.has(canonicalName(p.name)));
      } catch {
        return false;
      }
    })();
    if (needs) result.push(name);
  }
  return result;
}
