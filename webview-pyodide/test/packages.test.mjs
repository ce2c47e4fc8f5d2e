// Installed packages in the panel bundle, in real headless Chromium: the harness plays the host, serving a lock
// that adds two test packages to Pyodide's own (agentcode-testpkg needs agentcode-testdep, wheels built by the
// test) and a package folder as the extension host stores it. The page reads package files only from that folder
// on its own origin, checks their SHA-256, and Pyodide in the worker loads them when a cell imports one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { runInPanel, usePanelSuite } from "./harness.mjs";
import { testPackages } from "../../extension/test/wheels.mjs";

const require = createRequire(import.meta.url);
const npmLock = JSON.parse(readFileSync(join(dirname(require.resolve("pyodide/package.json")), "pyodide-lock.json"), "utf8"));
const test_packages = await testPackages();
const lock = { ...npmLock, packages: { ...npmLock.packages, ...test_packages.lock.packages } };
const files = new Map([["/dist/pyodide/pyodide-lock.json", Buffer.from(JSON.stringify(lock))]]);
for (const [name, bytes] of test_packages.files) files.set(`/packages/${name}`, bytes);

const suite = usePanelSuite({ files });
const installed = Object.values(test_packages.lock.packages).map((p) => ({ name: p.name, fileName: p.file_name, sha256: p.sha256 }));
const code = "from agentcode_testpkg import hello\nprint(hello('panel'))";

async function announce(packages) {
  await suite.page.evaluate((m) => window.__sendToPanel(m), { type: "packages/installed", base: `${suite.harness.origin}/packages`, packages });
}

test("a package of the lock that is not installed says how to install it, and nothing is requested", async () => {
  const before = suite.harness.requests.length;
  const run = await runInPanel(suite.page, code);
  assert.equal(await run.cell.getAttribute("data-run"), "error");
  const tb = await run.text("pre.traceback");
  assert.match(tb, /ModuleNotFoundError: The package 'agentcode_testpkg' is not available in the offline panel/);
  assert.match(tb, /install it with 'AgentCode: Install Python Packages for the Panel…'/);
  assert.deepEqual(suite.harness.requests.slice(before), []);
});

test("a package file that no longer matches its SHA-256 is refused and not loaded", async () => {
  const wrong = installed.map((p) => (p.name === "agentcode-testpkg" ? { ...p, sha256: "0".repeat(64) } : p));
  await announce(wrong);
  const run = await runInPanel(suite.page, code);
  assert.equal(await run.cell.getAttribute("data-run"), "error");
  const tb = await run.text("pre.traceback");
  assert.match(tb, /The installed package .*agentcode-testpkg.* could not be loaded in the panel/);
  assert.match(tb, /agentcode-testpkg was changed since it was installed \(its SHA-256 differs\)/);
});

test("an installed package and its dependency import in the panel, read from the panel's own package folder", async () => {
  await announce(installed);
  const before = suite.harness.requests.length;
  const run = await runInPanel(suite.page, code);
  assert.equal(await run.cell.getAttribute("data-run"), "ok", await run.text("pre.traceback").catch(() => ""));
  assert.equal(await run.text("pre.stdout"), "hello panel from agentcode_testpkg\n");
  const requests = suite.harness.requests.slice(before);
  // The dependency loaded in the test before; the package refused there is read again now that it is announced right.
  assert.deepEqual(requests, ["/packages/agentcode_testpkg-1.0-py3-none-any.whl"]);
  assert.ok(suite.harness.requests.includes("/packages/agentcode_testdep-1.0-py3-none-any.whl"));
  assert.deepEqual(suite.harness.requests.filter((p) => p.startsWith("/dist/pyodide/agentcode_")), [], "Pyodide never fetched a package itself");
  const errors = await suite.page.evaluate(() => window.__hostMessages.filter((m) => m.type === "webview/error"));
  assert.deepEqual(errors, []);
});

test("a second run imports the loaded package without reading it again", async () => {
  const before = suite.harness.requests.length;
  const run = await runInPanel(suite.page, "import agentcode_testdep\nprint(agentcode_testdep.greeting())");
  assert.equal(await run.text("pre.stdout"), "hello\n");
  assert.deepEqual(suite.harness.requests.slice(before), []);
});
