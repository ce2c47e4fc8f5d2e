// The panel's interpreters while it is hidden, in real Chromium: the host says the panel was hidden or shown
// (panel/visibility), and the page keeps its ready workers only within the hidden-memory budget
// (agentcode.panel.hiddenMemoryMiB, the page's `hiddenMemory` query here). Over the budget a spare that ran nothing
// replaces a worker grown by earlier cells, or both are let go; Python starts again from the snapshot when the
// panel is shown or a run asks for it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { bootDeadlineMs, launchBrowser, openPanel, runInPanel, startHarness } from "./harness.mjs";

let harness;
let browser;
before(async () => {
  harness = await startHarness();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await harness?.close();
});

const send = (page, message) => page.evaluate((m) => window.__sendToPanel(m), message);
const status = (page) => page.locator("#status");
const heapMib = async (page) => Number(await status(page).getAttribute("data-heap-mib"));

/** Opens a panel with the given budget and waits until both the active worker and its spare are ready. */
async function readyPanel(budgetMib) {
  const page = await openPanel(browser.context, `${harness.url}?hiddenMemory=${budgetMib}`);
  await page.waitForSelector('#status[data-spare="ready"]', { timeout: bootDeadlineMs });
  return page;
}

test("a hidden panel over its memory budget lets Python go, and starts it again from the snapshot when shown", async () => {
  const page = await readyPanel(1);
  await send(page, { type: "panel/visibility", visible: false });
  await page.waitForSelector('#status[data-state="released"][data-spare="none"]');
  assert.equal(await heapMib(page), 0, "no interpreter is kept");
  assert.match(await status(page).textContent(), /released while the panel was hidden/);

  await send(page, { type: "panel/visibility", visible: true });
  await page.waitForSelector('#status[data-state="ready"]', { timeout: bootDeadlineMs });
  assert.equal(await status(page).getAttribute("data-from-snapshot"), "true", "Python came back from the snapshot");
  await page.waitForSelector('#status[data-spare="ready"]', { timeout: bootDeadlineMs });
  const run = await runInPanel(page, "print(sum(range(5)))");
  assert.equal(await run.text("pre.stdout"), "10\n");
  await page.close();
});

test("a hidden panel within its budget keeps Python ready, and code that arrives then finds it ready", async (t) => {
  const page = await readyPanel(100_000);
  const before = await heapMib(page);
  assert.ok(before > 1, `the workers report their memory (${before} MiB)`);
  t.diagnostic(`a ready worker and its spare: ${before} MiB of WebAssembly memory`);
  await send(page, { type: "panel/visibility", visible: false });
  // Host messages are handled in order: the cell arrives after the page has applied the budget.
  const run = await runInPanel(page, "print('kept')");
  assert.equal(await run.text("pre.stdout"), "kept\n");
  assert.equal(await run.cell.getAttribute("data-python-on-arrival"), "ready");
  assert.equal(await status(page).getAttribute("data-state"), "ready");
  await page.close();
});

test("a run asked for while the hidden panel released Python starts it, runs, and lets it go again", async () => {
  const page = await readyPanel(1);
  await send(page, { type: "panel/visibility", visible: false });
  await page.waitForSelector('#status[data-state="released"]');
  // As the language-model tool does: the cell is added and run by the host while the panel stays hidden.
  const id = "hidden-run";
  await send(page, { type: "cell/add", id, prompt: "", code: "print('ran while hidden')", findings: [], dataFiles: [] });
  await send(page, { type: "cell/run", id });
  const cell = page.locator(`section.cell[data-cell-id="${id}"]`);
  await page.waitForSelector(`section.cell[data-cell-id="${id}"][data-run="ok"]`, { timeout: bootDeadlineMs });
  assert.equal(await cell.locator("pre.stdout").textContent(), "ran while hidden\n");
  assert.equal(await cell.getAttribute("data-python-on-arrival"), "released");
  await page.waitForSelector('#status[data-state="released"]');
  await page.close();
});

test("over the budget, the spare that ran nothing takes over from a worker that a cell grew", async () => {
  const probe = await readyPanel(100_000);
  const base = (await heapMib(probe)) / 2; // one fresh interpreter
  await probe.close();

  const budget = Math.ceil(base + 96);
  const tight = await readyPanel(budget);
  // The active worker grows by 192 MiB (WebAssembly memory never shrinks): the pair no longer fits, the spare does.
  const grown = await runInPanel(tight, "block = bytearray(192 * 1024 * 1024)\nprint(len(block))");
  assert.equal(await grown.text("pre.stdout"), `${192 * 1024 * 1024}\n`);
  await send(tight, { type: "panel/visibility", visible: false });
  await tight.waitForSelector('#status[data-spare="none"]');
  assert.equal(await status(tight).getAttribute("data-state"), "ready", "the spare is the ready interpreter now");
  const kept = await heapMib(tight);
  assert.ok(kept <= budget, `kept ${kept} MiB within the ${budget} MiB budget`);
  const run = await runInPanel(tight, "print('from the spare')");
  assert.equal(await run.text("pre.stdout"), "from the spare\n");
  await tight.close();
});
