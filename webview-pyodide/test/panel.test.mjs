// The panel bundle in real headless Chromium: outputs, tracebacks, host messages from clicks.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHarness, launchBrowser, openPanel, runInPanel } from "./harness.mjs";

let harness;
let browser;
let page;

before(async () => {
  harness = await startHarness();
  browser = await launchBrowser();
  page = await openPanel(browser.context, harness.url);
});

after(async () => {
  await browser?.close();
  await harness?.close();
});

test("the page tells the host it is ready and reports no errors while starting", async () => {
  const messages = await page.evaluate(() => window.__hostMessages);
  assert.deepEqual(messages.filter((m) => m.type === "webview/ready").length, 1);
  assert.deepEqual(messages.filter((m) => m.type === "webview/error"), []);
});

test("printed output is streamed into the cell, partial lines included", async () => {
  const run = await runInPanel(page, "import sys\nprint('hello', 6 * 7)\nsys.stdout.write('no newline')\nsys.stderr.write('warn\\n')\n'value'");
  assert.equal(await run.text("pre.stdout"), "hello 42\nno newline");
  assert.equal(await run.text("pre.stderr"), "warn\n");
  assert.equal(await run.text("pre.repr"), "'value'");
  const result = await page.evaluate((id) => window.__hostMessages.find((m) => m.type === "cell/result" && m.id === id), run.id);
  assert.equal(result.summary.status, "ok");
  assert.equal(result.summary.stdout, "hello 42\nno newline");
});

test("an exception shows a traceback of the cell's own frames, without Pyodide internals", async () => {
  const run = await runInPanel(page, "def f(x):\n    return 1 / x\n\nf(0)\n");
  const tb = await run.text("pre.traceback");
  assert.match(tb, /ZeroDivisionError: division by zero/);
  assert.match(tb, /File "<cell>", line 4/);
  assert.match(tb, /File "<cell>", line 2, in f/);
  assert.doesNotMatch(tb, /_pyodide|pyodide\/|runner|eval_code/);
  assert.equal(await run.cell.getAttribute("data-run"), "error");
});

test("a syntax error is reported as a clean SyntaxError", async () => {
  const run = await runInPanel(page, "def broken(:\n  pass\n");
  const tb = await run.text("pre.traceback");
  assert.match(tb, /SyntaxError/);
  assert.doesNotMatch(tb, /_pyodide|runner/);
});

test("clicking Accept, Reject and Ask to fix posts the matching host messages", async () => {
  const run = await runInPanel(page, "print(1)");
  await run.cell.locator('button[data-action="accept"]').click();
  await run.cell.locator("textarea.feedback").fill("use a loop");
  await run.cell.locator('button[data-action="fix"]').click();
  await run.cell.locator('button[data-action="reject"]').click();
  const msgs = await page.evaluate((id) => window.__hostMessages.filter((m) => m.id === id && m.type !== "cell/result"), run.id);
  assert.deepEqual(msgs, [
    { type: "cell/accept", id: run.id, code: "print(1)" },
    { type: "cell/fix", id: run.id, feedback: "use a loop" },
    { type: "cell/reject", id: run.id },
  ]);
});

test("a malformed host message is reported as webview/error, not acted on", async () => {
  await page.evaluate(() => window.__sendToPanel({ type: "cell/add", id: "bad", code: 5 }));
  await page.waitForFunction(() => window.__hostMessages.some((m) => m.type === "webview/error" && m.message.includes("cell/add")), null, { timeout: 10000 });
  assert.equal(await page.locator('section.cell[data-cell-id="bad"]').count(), 0);
});
