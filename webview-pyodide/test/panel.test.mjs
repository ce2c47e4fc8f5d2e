// The panel bundle in real headless Chromium: outputs, tracebacks, host messages from clicks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPanel, runInPanel, startSpin, usePanelSuite, bootDeadlineMs, waitInPage } from "./harness.mjs";

const suite = usePanelSuite();

test("the page tells the host it is ready and reports no errors while starting", async () => {
  const messages = await suite.page.evaluate(() => window.__hostMessages);
  assert.deepEqual(messages.filter((m) => m.type === "webview/ready").length, 1);
  assert.deepEqual(messages.filter((m) => m.type === "webview/error"), []);
  // The first worker boots Python itself (and makes the snapshot the later ones restore).
  assert.equal(await suite.page.locator("#status").getAttribute("data-from-snapshot"), "false");
});

test("the page fetches each Pyodide file once and the workers fetch nothing themselves", async () => {
  // In VS Code the webview's service worker answers only the page, never a worker: the page must fetch for them.
  await waitInPage(suite.page, () => document.querySelector("#status")?.dataset.state === "ready");
  const assets = suite.harness.requesters.filter(({ path }) => path.startsWith("/dist/"));
  const pyodideRequests = assets.map(({ path }) => path).filter((path) => path.startsWith("/dist/pyodide/"));
  assert.deepEqual(pyodideRequests.sort(), ["/dist/pyodide/pyodide-lock.json", "/dist/pyodide/pyodide.asm.wasm", "/dist/pyodide/python_stdlib.zip"]);
  // Every file, the worker's own bundle and the start-up script included, was requested by the page document (once),
  // none by a worker.
  assert.equal(assets.filter(({ path }) => path === "/dist/worker.js").length, 1);
  assert.equal(assets.filter(({ path }) => path === "/dist/boot.js").length, 1);
  assert.deepEqual(assets.filter(({ by }) => by !== "page"), []);
});

test("without its start-up script the page starts Python itself, fetching each file once", async () => {
  const before = suite.harness.requests.length;
  const page = await openPanel(suite.browser.context, `${suite.harness.url}?assets=${encodeURIComponent(`${suite.harness.origin}/noboot`)}&snapshot=off`);
  const requests = suite.harness.requests.slice(before).filter((path) => path.startsWith("/noboot/"));
  assert.deepEqual(requests.filter((path) => path !== "/noboot/boot.js").sort(), [
    "/noboot/pyodide/pyodide-lock.json", "/noboot/pyodide/pyodide.asm.wasm", "/noboot/pyodide/python_stdlib.zip", "/noboot/worker.js",
  ]);
  const run = await runInPanel(page, "print(6 * 7)");
  assert.equal(await run.text("pre.stdout"), "42\n");
  await page.close();
});

test("printed output is streamed into the cell, partial lines included", async () => {
  const run = await runInPanel(suite.page, "import sys\nprint('hello', 6 * 7)\nsys.stdout.write('no newline')\nsys.stderr.write('warn\\n')\n'value'");
  assert.equal(await run.text("pre.stdout"), "hello 42\nno newline");
  assert.equal(await run.text("pre.stderr"), "warn\n");
  // The trailing expression is displayed as in Jupyter: one text/plain output holding its repr.
  assert.equal(await run.text(".output-text pre.output-text-body"), "'value'");
  const result = await suite.page.evaluate((id) => window.__hostMessages.find((m) => m.type === "cell/result" && m.id === id), run.id);
  assert.equal(result.summary.status, "ok");
  assert.equal(result.summary.stdout, "hello 42\nno newline");
  assert.deepEqual(result.summary.outputs, [{ mime: "text/plain", text: "'value'" }]);
});

test("an exception shows a traceback of the cell's own frames, without Pyodide internals", async () => {
  const run = await runInPanel(suite.page, "def f(x):\n    return 1 / x\n\nf(0)\n");
  const tb = await run.text("pre.traceback");
  assert.match(tb, /ZeroDivisionError: division by zero/);
  assert.match(tb, /File "<cell>", line 4/);
  assert.match(tb, /File "<cell>", line 2, in f/);
  assert.doesNotMatch(tb, /_pyodide|pyodide\/|runner|eval_code/);
  assert.equal(await run.cell.getAttribute("data-run"), "error");
});

test("a syntax error is reported as a clean SyntaxError", async () => {
  const run = await runInPanel(suite.page, "def broken(:\n  pass\n");
  const tb = await run.text("pre.traceback");
  assert.match(tb, /SyntaxError/);
  assert.doesNotMatch(tb, /_pyodide|runner/);
});

test("clicking Accept, Reject and Ask to fix posts the matching host messages", async () => {
  const run = await runInPanel(suite.page, "print(1)");
  await run.cell.locator('button[data-action="accept"]').click();
  await run.cell.locator("textarea.feedback").fill("use a loop");
  await run.cell.locator('button[data-action="fix"]').click();
  await run.cell.locator('button[data-action="reject"]').click();
  const msgs = await suite.page.evaluate((id) => window.__hostMessages.filter((m) => m.id === id && m.type !== "cell/result"), run.id);
  assert.deepEqual(msgs, [
    { type: "cell/accept", id: run.id, code: "print(1)" },
    { type: "cell/fix", id: run.id, feedback: "use a loop" },
    { type: "cell/reject", id: run.id },
  ]);
});

test("a malformed host message is reported as webview/error, not acted on", async () => {
  await suite.page.evaluate(() => window.__sendToPanel({ type: "cell/add", id: "bad", code: 5 }));
  await waitInPage(suite.page, () => window.__hostMessages.some((m) => m.type === "webview/error" && m.message.includes("cell/add")), null, { timeout: 60000 });
  assert.equal(await suite.page.locator('section.cell[data-cell-id="bad"]').count(), 0);
});

test("Stop ends `while True: pass` and the next run works at once on the pre-warmed worker", async () => {
  await (await startSpin(suite.page, "spin")).stop();
  const next = await runInPanel(suite.page, "print('after stop')");
  assert.equal(await next.text("pre.stdout"), "after stop\n");
  const summary = await suite.page.evaluate(() => window.__hostMessages.find((m) => m.type === "cell/result" && m.id === "spin").summary);
  assert.equal(summary.status, "stopped");
  assert.equal(summary.error, "Stopped.");
});

test("a spare worker warms once Python is ready, and again after every Stop, from the first worker's memory snapshot", async () => {
  await suite.page.waitForSelector('#status[data-spare="ready"]', { timeout: bootDeadlineMs });
  for (const round of [1, 2]) {
    await (await startSpin(suite.page, `spin-${round}`)).stop();
    // The swapped-in spare restored the snapshot, and a new spare warms behind it.
    await suite.page.waitForSelector('#status[data-state="ready"][data-from-snapshot="true"]');
    await suite.page.waitForSelector('#status[data-spare="ready"]', { timeout: bootDeadlineMs });
    const next = await runInPanel(suite.page, `import sys\nprint('round', ${round})\nsys.stderr.write('err')\n6 * 7`);
    assert.equal(await next.text("pre.stdout"), `round ${round}\n`);
    assert.equal(await next.text("pre.stderr"), "err");
    assert.equal(await next.text(".output-text pre.output-text-body"), "42");
  }
});

test("a cell's variables do not survive Stop: the snapshot holds no cell state", async () => {
  await runInPanel(suite.page, "import builtins\nbuiltins.leaked = 42");
  await (await startSpin(suite.page, "spin-leak")).stop();
  const after = await runInPanel(suite.page, "import builtins\nprint(hasattr(builtins, 'leaked'))");
  assert.equal(await after.text("pre.stdout"), "False\n");
});

test("Ctrl+Enter on a focused cell runs it, and focus stays on the cell", async () => {
  const id = "keyboard";
  await suite.page.evaluate((m) => window.__sendToPanel(m), { type: "cell/add", id, prompt: "keys", code: "print('from the keyboard')", findings: [], dataFiles: [] });
  const cell = suite.page.locator(`section.cell[data-cell-id="${id}"]`);
  await cell.locator('button[data-action="run"]:not([disabled])').waitFor({ timeout: bootDeadlineMs });
  await cell.focus();
  await suite.page.keyboard.press("Control+Enter");
  await suite.page.waitForSelector(`section.cell[data-cell-id="${id}"][data-run="ok"]`, { timeout: 120000 });
  assert.equal(await cell.locator("pre.stdout").textContent(), "from the keyboard\n");
  assert.equal(await suite.page.evaluate(() => document.activeElement?.dataset.cellId), id);
});

test("buttons and the feedback box have accessible names", async () => {
  const run = await runInPanel(suite.page, "1");
  for (const name of ["Run the cell (Ctrl+Enter)", "Stop the running cell", "Accept the code into the editor", "Reject the code", "Ask the model to fix the code with this feedback"]) {
    assert.equal(await run.cell.getByRole("button", { name, exact: true }).count(), 1, name);
  }
  assert.equal(await run.cell.getByRole("textbox", { name: "What should be fixed?" }).count(), 1);
  assert.equal(await run.cell.getByRole("toolbar", { name: "Cell actions" }).count(), 1);
});

test("colours come from VS Code's theme variables and keyboard focus is visible in the focus colour", async () => {
  const run = await runInPanel(suite.page, "2");
  await suite.page.evaluate(() => {
    document.documentElement.style.setProperty("--vscode-foreground", "rgb(1, 2, 3)");
    document.documentElement.style.setProperty("--vscode-button-background", "rgb(7, 8, 9)");
    document.documentElement.style.setProperty("--vscode-focusBorder", "rgb(4, 5, 6)");
  });
  assert.equal(await suite.page.evaluate(() => getComputedStyle(document.body).color), "rgb(1, 2, 3)");
  const accept = run.cell.locator('button[data-action="accept"]');
  assert.equal(await accept.evaluate((b) => getComputedStyle(b).backgroundColor), "rgb(7, 8, 9)");
  await run.cell.locator('button[data-action="run"]').focus();
  await suite.page.keyboard.press("Tab"); // Stop is disabled, so the next stop is Accept
  assert.equal(await suite.page.evaluate(() => document.activeElement?.dataset.action), "accept");
  const outline = await accept.evaluate((b) => { const s = getComputedStyle(b); return `${s.outlineStyle} ${s.outlineColor}`; });
  assert.equal(outline, "solid rgb(4, 5, 6)");
});

test("data files are mounted read-only at /data", async () => {
  const dataFiles = [{ name: "numbers.csv", base64: Buffer.from("a,b\n1,2\n").toString("base64") }];
  const code = [
    "print(open('/data/numbers.csv').read().splitlines()[1])",
    "for action in (lambda: open('/data/numbers.csv', 'w'), lambda: open('/data/new.txt', 'w')):",
    "    try:",
    "        action()",
    "        print('WRITABLE')",
    "    except OSError as e:",
    "        print(type(e).__name__)",
  ].join("\n");
  const run = await runInPanel(suite.page, code, { dataFiles });
  assert.equal(await run.text("pre.stdout"), "1,2\nPermissionError\nPermissionError\n");
});

test("PNG and SVG files written to /output are shown as images", async () => {
  const code = [
    "import struct, zlib",
    "def chunk(kind, data):",
    "    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))",
    "raw = b''.join(b'\\x00' + b'\\xff\\x00\\x00' * 4 for _ in range(4))",
    "png = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 4, 4, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')",
    "open('/output/red.png', 'wb').write(png)",
    "open('/output/box.svg', 'w').write('<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>')",
  ].join("\n");
  const run = await runInPanel(suite.page, code);
  const images = run.cell.locator("img.output-image");
  assert.equal(await images.count(), 2);
  await waitInPage(suite.page, (id) => [...document.querySelectorAll(`section[data-cell-id="${id}"] img`)].every((i) => i.complete && i.naturalWidth > 0), run.id, { timeout: 60000 });
  const sources = await images.evaluateAll((els) => els.map((e) => e.getAttribute("src").slice(0, 22)));
  assert.deepEqual(sources, ["data:image/svg+xml;bas", "data:image/png;base64,"]);
});

test("Save under an image posts cell/saveFigure with the PNG's bytes, and a synthetic click posts nothing", async () => {
  const code = [
    "import struct, zlib",
    "def chunk(kind, data):",
    "    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))",
    "raw = b''.join(b'\\x00' + b'\\x00\\x80\\xff' * 2 for _ in range(2))",
    "png = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 2, 2, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')",
    "open('/output/my plot.png', 'wb').write(png)",
    "print(png.hex())",
  ].join("\n");
  const run = await runInPanel(suite.page, code);
  const pngHex = (await run.text("pre.stdout")).trim();
  const save = run.cell.getByRole("button", { name: "Save figure my plot.png", exact: true });
  assert.equal(await save.count(), 1);
  const saved = () => suite.page.evaluate((id) => window.__hostMessages.filter((m) => m.type === "cell/saveFigure" && m.id === id), run.id);

  await save.evaluate((button) => button.click());
  await save.evaluate((button) => button.dispatchEvent(new MouseEvent("click", { bubbles: true })));
  assert.deepEqual(await saved(), []);

  await save.click();
  await waitInPage(suite.page, (id) => window.__hostMessages.some((m) => m.type === "cell/saveFigure" && m.id === id), run.id, { timeout: 60000 });
  const [message, ...more] = await saved();
  assert.deepEqual(more, []);
  assert.equal(message.name, "my_plot.png");
  assert.equal(message.mime, "image/png");
  assert.equal(Buffer.from(message.base64, "base64").toString("hex"), pngHex);
  assert.ok(pngHex.startsWith("89504e470d0a1a0a"));
});

test("HTML output is rendered in an opaque-origin sandboxed iframe whose scripts do not run", async () => {
  const code = [
    "class Table:",
    "    def _repr_html_(self):",
    "        return '<b id=\"t\">bold</b><script>document.body.append(Object.assign(document.createElement(\"i\"), {id: \"ran\"}))</script>'",
    "Table()",
  ].join("\n");
  const run = await runInPanel(suite.page, code);
  const frame = run.cell.locator("iframe.output-html");
  assert.equal(await frame.getAttribute("sandbox"), "");
  const inner = run.cell.frameLocator("iframe.output-html");
  assert.equal(await inner.locator("#t").textContent(), "bold");
  assert.equal(await inner.locator("#ran").count(), 0);
});

test("importing numpy, pandas or matplotlib says the package is not available offline, without a network request", async () => {
  const before = suite.harness.requests.length;
  for (const [code, name] of [["import numpy", "numpy"], ["import pandas as pd", "pandas"], ["import matplotlib.pyplot as plt", "matplotlib"]]) {
    const run = await runInPanel(suite.page, code);
    assert.equal(await run.cell.getAttribute("data-run"), "error");
    const tb = await run.text("pre.traceback");
    assert.match(tb, new RegExp(`ModuleNotFoundError: The package '${name}' is not available in the offline panel; only the Python standard library can be imported here`));
    assert.match(tb, /File "<cell>", line 1/);
    assert.doesNotMatch(tb, /agentcode_runner|importlib|_pyodide/);
  }
  assert.deepEqual(suite.harness.requests.slice(before), []);
});

test("the standard library still imports, and an unknown module keeps Python's own message", async () => {
  const run = await runInPanel(suite.page, "import json, csv, statistics\nprint(statistics.mean([1, 2, 3]))\nimport no_such_module_xyz");
  assert.equal(await run.text("pre.stdout"), "2\n");
  assert.match(await run.text("pre.traceback"), /ModuleNotFoundError: No module named 'no_such_module_xyz'/);
});

test("a cell/run sent as soon as the page is ready waits for Python instead of failing", async () => {
  // The extension posts cell/add and cell/run right after webview/ready, usually while Python is still loading.
  const page = await openPanel(suite.browser.context, suite.harness.url, { waitReady: false });
  try {
    await waitInPage(page, () => (window.__hostMessages ?? []).some((m) => m.type === "webview/ready"), null, { timeout: bootDeadlineMs });
    await page.evaluate(() => {
      window.__sendToPanel({ type: "cell/add", id: "early", prompt: "", code: "print('early', 2 + 3)", findings: [], dataFiles: [] });
      window.__sendToPanel({ type: "cell/run", id: "early" });
    });
    const cell = page.locator('section.cell[data-cell-id="early"]');
    await page.waitForSelector('section.cell[data-cell-id="early"]:is([data-run="ok"],[data-run="error"],[data-run="failed"])', { timeout: bootDeadlineMs });
    assert.equal(await cell.getAttribute("data-run"), "ok");
    assert.equal(await cell.locator("pre.stdout").textContent(), "early 5\n");
  } finally {
    await page.close();
  }
});
