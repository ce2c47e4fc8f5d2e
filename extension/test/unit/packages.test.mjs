// The panel's package installer against a loopback HTTP server posing as a Pyodide mirror: it serves two wheels
// built here (agentcode-testpkg needs agentcode-testdep) and the test's own lock names their SHA-256. Covers the
// dependency closure, refusing a tampered wheel, an unreachable mirror, a second install that downloads nothing,
// cancellation, progress with sizes, the package source setting, a local folder source and removal.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { dependencyClosure, dependents, parseLock } from "./out/packages/pyodide_lock.mjs";
import { PackageInstallCancelled, PackageInstallError, PackageStore, parsePackageSource, pyodideVersion } from "./out/packages/package_store.mjs";
import { startMirror, testPackages } from "../wheels.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const npmPyodide = path.resolve(here, "../../../node_modules/pyodide");

let packages;
let lock;
let mirror;
const source = () => ({ kind: "url", base: mirror.url });

before(async () => {
  packages = await testPackages();
  lock = parseLock(JSON.stringify(packages.lock));
  mirror = await startMirror(new Map(packages.files));
});
after(() => mirror?.close());

function freshStore() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-packages-"));
  return { store: new PackageStore(path.join(dir, "pyodide", pyodideVersion)), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function storedFiles(store) {
  return fs.existsSync(store.dir) ? fs.readdirSync(store.dir).sort() : [];
}

test("installing a package with one dependency downloads and verifies both, the dependency first", async () => {
  const { store, cleanup } = freshStore();
  try {
    mirror.requests.length = 0;
    const report = await store.install(lock, ["agentcode_testpkg"], source());
    assert.deepEqual(report.downloaded.map((p) => p.name), ["agentcode-testdep", "agentcode-testpkg"]);
    assert.deepEqual(mirror.requests, ["/pyodide/agentcode_testdep-1.0-py3-none-any.whl", "/pyodide/agentcode_testpkg-1.0-py3-none-any.whl"]);
    const listed = await store.list();
    assert.deepEqual(listed.map((p) => [p.name, p.version, p.imports]), [
      ["agentcode-testdep", "1.0", ["agentcode_testdep"]],
      ["agentcode-testpkg", "1.0", ["agentcode_testpkg"]],
    ]);
    for (const p of listed) assert.deepEqual(fs.readFileSync(path.join(store.dir, p.fileName)), packages.files.get(p.fileName));
    assert.equal(listed[1].size, packages.files.get(listed[1].fileName).length);
  } finally {
    cleanup();
  }
});

test("installing twice downloads nothing the second time", async () => {
  const { store, cleanup } = freshStore();
  try {
    await store.install(lock, ["agentcode-testpkg"], source());
    mirror.requests.length = 0;
    const again = await store.install(lock, ["agentcode-testpkg"], source());
    assert.deepEqual(again.downloaded, []);
    assert.equal(again.downloadedBytes, 0);
    assert.deepEqual(again.present.map((p) => p.name), ["agentcode-testdep", "agentcode-testpkg"]);
    assert.deepEqual(mirror.requests, [], "no request reached the mirror");
  } finally {
    cleanup();
  }
});

test("a tampered wheel is refused with a clear error and nothing is stored", async () => {
  const { store, cleanup } = freshStore();
  const name = "agentcode_testpkg-1.0-py3-none-any.whl";
  const good = mirror.files.get(name);
  const tampered = Buffer.from(good);
  tampered[tampered.length - 30] ^= 0xff;
  mirror.files.set(name, tampered);
  try {
    await assert.rejects(store.install(lock, ["agentcode-testpkg"], source()), (e) => {
      assert.ok(e instanceof PackageInstallError);
      assert.match(e.message, /agentcode_testpkg-1\.0-py3-none-any\.whl .* does not match the SHA-256 in Pyodide 314\.0\.7's pyodide-lock\.json/);
      assert.match(e.message, /nothing was installed/);
      return true;
    });
    assert.deepEqual(storedFiles(store), [], "not even the dependency that matched was kept");
    assert.deepEqual(await store.list(), []);
  } finally {
    mirror.files.set(name, good);
    cleanup();
  }
});

test("an unreachable mirror gives a clear error and stores nothing", async () => {
  const { store, cleanup } = freshStore();
  const closed = await startMirror(new Map());
  await closed.close();
  try {
    await assert.rejects(store.install(lock, ["agentcode-testpkg"], { kind: "url", base: closed.url }), (e) => {
      assert.ok(e instanceof PackageInstallError);
      assert.match(e.message, /^Could not download agentcode_testdep-1\.0-py3-none-any\.whl from http:\/\/127\.0\.0\.1:\d+\/pyodide\/: .*ECONNREFUSED/);
      assert.match(e.message, /Check agentcode\.pyodide\.packageSource and the network; nothing was installed\.$/);
      return true;
    });
    assert.deepEqual(await store.list(), []);
    assert.deepEqual(storedFiles(store).filter((f) => f.endsWith(".whl")), []);
  } finally {
    cleanup();
  }
});

test("a mirror without the file answers with its HTTP status in the error", async () => {
  const { store, cleanup } = freshStore();
  const empty = await startMirror(new Map());
  try {
    await assert.rejects(store.install(lock, ["agentcode-testdep"], { kind: "url", base: empty.url }), /answered HTTP 404 for http:\/\/127\.0\.0\.1:\d+\/pyodide\/agentcode_testdep-1\.0-py3-none-any\.whl/);
  } finally {
    await empty.close();
    cleanup();
  }
});

test("progress reports each file with its size, and cancelling stores nothing", async () => {
  const { store, cleanup } = freshStore();
  const controller = new AbortController();
  const seen = [];
  try {
    await assert.rejects(
      store.install(lock, ["agentcode-testpkg"], source(), {
        signal: controller.signal,
        onProgress: (p) => {
          seen.push(p);
          // Cancel as the second file starts.
          if (p.file === 2) controller.abort();
        },
      }),
      PackageInstallCancelled,
    );
    const first = seen.filter((p) => p.file === 1);
    const size = packages.files.get("agentcode_testdep-1.0-py3-none-any.whl").length;
    assert.equal(first.at(-1).received, size);
    assert.equal(first.at(-1).total, size);
    assert.equal(first[0].files, 2);
    assert.deepEqual(await store.list(), []);
    assert.deepEqual(storedFiles(store), []);
  } finally {
    cleanup();
  }
});

test("a local folder holding the distribution installs like a mirror", async () => {
  const { store, cleanup } = freshStore();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-dist-"));
  try {
    for (const [name, bytes] of packages.files) fs.writeFileSync(path.join(folder, name), bytes);
    const report = await store.install(lock, ["agentcode-testpkg"], { kind: "folder", path: folder });
    assert.equal(report.downloaded.length, 2);
    fs.rmSync(path.join(folder, "agentcode_testdep-1.0-py3-none-any.whl"));
    const other = freshStore();
    await assert.rejects(other.store.install(lock, ["agentcode-testpkg"], { kind: "folder", path: folder }), /has no agentcode_testdep-1\.0-py3-none-any\.whl/);
    other.cleanup();
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
    cleanup();
  }
});

test("removing a package deletes its file and its entry, and its dependents are found first", async () => {
  const { store, cleanup } = freshStore();
  try {
    await store.install(lock, ["agentcode-testpkg"], source());
    assert.deepEqual(dependents(lock, ["agentcode-testdep", "agentcode-testpkg"], ["agentcode-testdep"]), ["agentcode-testpkg"]);
    const removed = await store.remove(["agentcode-testpkg"]);
    assert.deepEqual(removed.map((p) => p.name), ["agentcode-testpkg"]);
    assert.deepEqual((await store.list()).map((p) => p.name), ["agentcode-testdep"]);
    assert.ok(!storedFiles(store).includes("agentcode_testpkg-1.0-py3-none-any.whl"));
  } finally {
    cleanup();
  }
});

test("an unknown package is refused before anything is downloaded", async () => {
  const { store, cleanup } = freshStore();
  try {
    mirror.requests.length = 0;
    await assert.rejects(store.install(lock, ["no-such-package"], source()), /has no package 'no-such-package'/);
    assert.deepEqual(mirror.requests, []);
  } finally {
    cleanup();
  }
});

test("the package source is an https URL, an http URL of this machine only, or a folder", () => {
  assert.deepEqual(parsePackageSource("https://cdn.example.com/pyodide/v314.0.7/full"), {
    ok: true,
    source: { kind: "url", base: "https://cdn.example.com/pyodide/v314.0.7/full/" },
  });
  assert.equal(parsePackageSource("http://127.0.0.1:8080/pyodide/").ok, true);
  assert.equal(parsePackageSource("http://localhost:8080/").ok, true);
  assert.deepEqual(parsePackageSource("/srv/pyodide"), { ok: true, source: { kind: "folder", path: "/srv/pyodide" } });
  assert.deepEqual(parsePackageSource("file:///srv/pyodide"), { ok: true, source: { kind: "folder", path: "/srv/pyodide" } });
  const plain = parsePackageSource("http://mirror.example.com/pyodide/");
  assert.equal(plain.ok, false);
  assert.match(plain.message, /must be an https:\/\/ URL \(http:\/\/ only for a mirror on this machine/);
  assert.match(parsePackageSource("").message, /No package source is set, so the panel stays offline\. Set agentcode\.pyodide\.packageSource/);
  assert.equal(parsePackageSource("relative/folder").ok, false);
  assert.equal(parsePackageSource("https://user:pw@example.com/").ok, false);
});

test("the lock of the npm package the panel ships resolves pandas with its dependencies first", () => {
  const real = parseLock(fs.readFileSync(path.join(npmPyodide, "pyodide-lock.json"), "utf8"));
  const names = dependencyClosure(real, ["pandas"]).map((p) => p.name);
  assert.equal(names.at(-1), "pandas");
  for (const dep of ["numpy", "python-dateutil", "pytz", "six"]) assert.ok(names.indexOf(dep) >= 0 && names.indexOf(dep) < names.length - 1, `${dep} in ${names}`);
  assert.ok(names.indexOf("six") < names.indexOf("python-dateutil"));
  assert.ok(dependencyClosure(real, ["matplotlib"]).some((p) => p.name === "numpy"));
});

test("the extension's Pyodide version is the npm package's", () => {
  assert.equal(pyodideVersion, JSON.parse(fs.readFileSync(path.join(npmPyodide, "package.json"), "utf8")).version);
});
