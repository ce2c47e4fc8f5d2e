// The server's story in the panel (attempt history, state at a glance, Accept anyway), the consistency check
// between the two runtimes, Stop while Python loads, and top-level await; the real bundle in headless Chromium.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bootDeadlineMs, openPanel, runInPanel, usePanelSuite } from "./harness.mjs";

const suite = usePanelSuite();

const serverRun = (over) => ({ status: "ok", stdout: "", stderr: "", error: null, outputs: [], elapsedMs: 120, ...over });

const twoAttempts = [
  {
    attempt: 1,
    code: "total = 0\nprint(totl)\n",
    findings: [{ ruleId: "AC900", severity: "warning", message: "a made-up finding", line: 1 }],
    run: serverRun({ status: "error", error: "Traceback (most recent call last):\n  File \"<cell>\", line 2\nNameError: name 'totl' is not defined" }),
    error: { kind: "runtime", message: "NameError: name 'totl' is not defined" },
  },
  { attempt: 2, code: "total = 0\nprint(total)\n", findings: [], run: serverRun({ stdout: "0\n" }), error: null },
];

async function addCell(page, message) {
  await page.evaluate((m) => window.__sendToPanel(m), { prompt: "", findings: [], dataFiles: [], ...message, type: "cell/add" });
  const cell = page.locator(`section.cell[data-cell-id="${message.id}"]`);
  await cell.waitFor();
  return cell;
}

test("a generated cell shows every attempt: the code as a diff, findings, the trial run and why it went back", async () => {
  const cell = await addCell(suite.page, { id: "story", code: twoAttempts[1].code, attempts: twoAttempts, server: "passed" });
  const attempts = cell.locator("details.attempts .attempt");
  assert.equal(await attempts.count(), 2);
  // Open because an attempt failed: the story is visible without a click.
  assert.equal(await cell.locator("details.attempts").evaluate((d) => d.open), true);
  const first = attempts.nth(0);
  assert.equal(await first.getAttribute("data-outcome"), "runtime");
  assert.match(await first.locator(".attempt-head").textContent(), /Attempt 1: runtime, sent back to the model/);
  assert.match(await first.locator("pre.attempt-error").textContent(), /NameError: name 'totl' is not defined/);
  assert.match(await first.locator(".attempt-reason").textContent(), /Why: NameError/);
  assert.match(await first.locator(".attempt-run-status").textContent(), /raised an error/);
  assert.match(await first.locator(".finding").textContent(), /AC900: a made-up finding \(line 2\)/);
  const second = attempts.nth(1);
  assert.equal(await second.getAttribute("data-outcome"), "passed");
  // The second attempt is shown as what changed since the first.
  assert.deepEqual(await second.locator(".diff-removed").allTextContents(), ["- print(totl)\n"]);
  assert.deepEqual(await second.locator(".diff-added").allTextContents(), ["+ print(total)\n"]);
  assert.equal(await second.locator("pre.attempt-stdout").textContent(), "0\n");
  assert.equal(await cell.locator(".chip-server-passed").textContent(), "Passed on the server");
  assert.equal(await cell.locator('button[data-action="accept"]').textContent(), "Accept");
});

test("code that failed on the server shows it at a glance and offers only a secondary Accept anyway", async () => {
  const cell = await addCell(suite.page, { id: "failed", code: twoAttempts[0].code, attempts: [twoAttempts[0]], server: "failed" });
  assert.equal(await cell.getAttribute("data-server"), "failed");
  assert.equal(await cell.locator(".chip-server-failed").textContent(), "Failed on the server");
  const accept = cell.locator('button[data-action="accept"]');
  assert.equal(await accept.textContent(), "Accept anyway");
  assert.equal(await accept.evaluate((b) => b.classList.contains("secondary")), true);
  const [accepted, run] = await Promise.all([
    accept.evaluate((b) => getComputedStyle(b).backgroundColor),
    cell.locator('button[data-action="run"]').evaluate((b) => getComputedStyle(b).backgroundColor),
  ]);
  assert.notEqual(accepted, run, "Accept anyway is not drawn as the primary button");
});

test("the consistency check flags a program that prints different output in the two runtimes", async () => {
  const code = "import sys; print(sys.platform)";
  const id = "platform";
  await addCell(suite.page, { id, code, attempts: [{ attempt: 1, code, findings: [], run: serverRun({ stdout: "wasi\n" }), error: null }], server: "passed" });
  const cell = suite.page.locator(`section.cell[data-cell-id="${id}"]`);
  await cell.locator('button[data-action="run"]').click();
  await suite.page.waitForSelector(`section.cell[data-cell-id="${id}"][data-run="ok"]`, { timeout: bootDeadlineMs });
  assert.equal(await cell.locator(".chip-panel-ok").count(), 1);
  const item = cell.locator('.consistency .consistency-item[data-what="stdout"]');
  assert.equal(await item.count(), 1);
  assert.deepEqual(await item.locator(".diff-removed").allTextContents(), ["- wasi\n"]);
  assert.deepEqual(await item.locator(".diff-added").allTextContents(), ["+ emscripten\n"]);
  assert.equal(await cell.locator('.consistency-item[data-what="status"]').count(), 0);
});

test("a run that agrees with the server's trial run is not flagged", async () => {
  const code = "print(6 * 7)";
  const id = "agree";
  await addCell(suite.page, { id, code, attempts: [{ attempt: 1, code, findings: [], run: serverRun({ stdout: "42\n" }), error: null }], server: "passed" });
  const cell = suite.page.locator(`section.cell[data-cell-id="${id}"]`);
  await cell.locator('button[data-action="run"]').click();
  await suite.page.waitForSelector(`section.cell[data-cell-id="${id}"][data-run="ok"]`, { timeout: bootDeadlineMs });
  assert.equal(await cell.locator(".consistency").count(), 0);
});

test("runs `await asyncio.sleep(0.1)` at top level", async () => {
  const run = await runInPanel(suite.page, "import asyncio\nawait asyncio.sleep(0.1)\nprint('after await')");
  assert.equal(await run.cell.getAttribute("data-run"), "ok");
  assert.equal(await run.text("pre.stdout"), "after await\n");
});

test("Stop clicked while Python loads cancels the queued run, which never starts, and Run works right after", async () => {
  const page = await openPanel(suite.browser.context, `${suite.harness.url}?assets=${encodeURIComponent(`${suite.harness.origin}/gated`)}`, { waitReady: false });
  try {
    const cell = await addCell(page, { id: "queued", code: "import builtins\nbuiltins.queued_ran = True\nprint('ran')" });
    await cell.locator('button[data-action="run"]').click();
    await page.waitForSelector('section.cell[data-cell-id="queued"][data-run="running"]');
    assert.equal(await page.locator("#status").getAttribute("data-state"), "loading");
    assert.match(await cell.locator(".run-status").textContent(), /Waiting for Python to start/);
    await cell.locator('button[data-action="stop"]').click();
    await page.waitForSelector('section.cell[data-cell-id="queued"][data-run="stopped"]');
    // Run is usable at once (a new run would wait for Python again).
    assert.equal(await cell.locator('button[data-action="run"]').isEnabled(), true);
    suite.harness.openGate();
    await page.waitForSelector('#status[data-state="ready"]', { timeout: bootDeadlineMs });
    const after = await runInPanel(page, "import builtins\nprint(hasattr(builtins, 'queued_ran'))");
    assert.equal(await after.text("pre.stdout"), "False\n");
    assert.equal(await cell.locator("pre.stdout").textContent(), "");
    const results = await page.evaluate(() => window.__hostMessages.filter((m) => m.type === "cell/result" && m.id === "queued").map((m) => m.summary.status));
    assert.deepEqual(results, ["stopped"]);
  } finally {
    await page.close();
  }
});

test("a flood of output keeps the head and the tail, says how many lines are hidden, and opens the full output", async () => {
  const run = await runInPanel(suite.page, "for i in range(20_000):\n    print(i)");
  assert.equal(await run.cell.getAttribute("data-run"), "ok");
  const shown = await run.text("pre.stdout");
  // Default caps: 5,000 lines per stream, half kept at the head and half at the tail.
  assert.ok(shown.startsWith("0\n1\n2\n"));
  assert.ok(shown.endsWith("19998\n19999\n"));
  assert.match(shown, /\n2499\n\[15000 lines hidden\]\n17500\n/);
  assert.equal(await run.cell.locator('div.hidden-lines[data-stream="stdout"] .hidden-count').textContent(), "15,000 lines of stdout hidden");
  assert.equal(await run.cell.locator('div.hidden-lines[data-stream="stderr"]').isHidden(), true);
  const summary = await suite.page.evaluate((id) => window.__hostMessages.find((m) => m.type === "cell/result" && m.id === id).summary, run.id);
  assert.equal(summary.stdout, shown);
  await run.cell.getByRole("button", { name: "Open the full stdout in an editor" }).click();
  const full = await suite.page.evaluate((id) => window.__hostMessages.find((m) => m.type === "cell/openOutput" && m.id === id), run.id);
  assert.equal(full.stream, "stdout");
  const lines = full.text.split("\n");
  assert.equal(lines.length, 20_001);
  assert.equal(lines[12_345], "12345");
});

test("the page stays responsive during an output flood: a click is handled within 200 ms", async () => {
  const page = suite.page;
  await page.evaluate(() => {
    window.__clickDelays = [];
    // event.timeStamp is when the input arrived; the handler runs when the page's main thread gets to it.
    document.addEventListener("pointerdown", (event) => window.__clickDelays.push(performance.now() - event.timeStamp), true);
  });
  const id = "flood";
  const cell = await addCell(page, { id, code: "for i in range(3_000_000):\n    print('line', i)" });
  await cell.locator('button[data-action="run"]').click();
  await page.waitForSelector(`section.cell[data-cell-id="${id}"] div.hidden-lines[data-stream="stdout"]:not([hidden])`, { timeout: bootDeadlineMs });
  for (let i = 0; i < 5; i++) await cell.locator("textarea.feedback").click();
  assert.equal(await cell.getAttribute("data-run"), "running", "the flood was still running during the clicks");
  await cell.locator('button[data-action="stop"]').click();
  await page.waitForSelector(`section.cell[data-cell-id="${id}"][data-run="stopped"]`);
  const delays = await page.evaluate(() => window.__clickDelays);
  assert.ok(delays.length >= 5);
  assert.ok(Math.max(...delays) < 200, `click delays ${delays.map((d) => d.toFixed(0)).join(", ")} ms`);
});

test("a generation in progress shows its prompt, phase and failed attempts as text below the cells, until its cell arrives", async () => {
  const page = suite.page;
  const send = (m) => page.evaluate((message) => window.__sendToPanel(message), m);
  const prompt = '<img src=x onerror="window.__injected=1">Plot sales';
  const progress = { type: "generation/progress", id: "gen-7", prompt, attempt: 1, phase: "Attempt 1 of 3: asking test-model", received: 0, attempts: [] };
  await send(progress);
  const block = page.locator('section.generation[data-generation-id="gen-7"]');
  await block.waitFor();
  assert.equal(await block.locator(".prompt").textContent(), prompt, "the prompt is text, not markup");
  assert.equal(await block.locator("img").count(), 0);
  assert.equal(await block.locator(".generation-phase").textContent(), "Attempt 1 of 3: asking test-model");
  // The block sits after the cells: where the generated cell will appear.
  assert.equal(await page.evaluate(() => document.querySelector("#cells").nextElementSibling?.className), "generation");

  await send({ ...progress, attempt: 2, phase: "Attempt 2 of 3: asking test-model", received: 1234, attempts: [twoAttempts[0]] });
  await page.waitForSelector('section.generation[data-attempt="2"]');
  assert.equal(await block.locator(".generation-phase").textContent(), "Attempt 2 of 3: asking test-model (1,234 characters received)");
  assert.match(await block.locator(".attempt-head").textContent(), /Attempt 1: runtime, sent back to the model/);
  assert.equal(await page.locator("section.generation").count(), 1, "one block, replaced in place");

  await addCell(page, { id: "gen-7-cell", code: twoAttempts[1].code, attempts: twoAttempts, server: "passed" });
  assert.equal(await page.locator("section.generation").count(), 0, "the cell takes over the story");

  await send({ ...progress, id: "gen-8" });
  await page.locator('section.generation[data-generation-id="gen-8"]').waitFor();
  await send({ type: "generation/end", id: "gen-other" });
  assert.equal(await page.locator("section.generation").count(), 1, "another generation's end leaves it");
  await send({ type: "generation/end", id: "gen-8" });
  await page.waitForSelector("section.generation", { state: "detached" });
  assert.equal(await page.evaluate(() => window.__injected), undefined);
});
