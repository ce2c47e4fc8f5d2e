// Editable cells and the capability summary, in the real bundle in headless Chromium: the code editor (CodeMirror)
// highlights Python under the panel's CSP, what the user types is what runs on Ctrl+Enter, Check sends the edited
// code to the host and its answer updates the cell, a new cell scrolls into view and takes focus, and the summary of
// what the code will touch shows, as text, before the cell runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { bootDeadlineMs, usePanelSuite, waitInPage } from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, "..", "..", ".artifacts", "panel");
const suite = usePanelSuite();

const out = await build({ entryPoints: [join(here, "..", "src/protocol.ts")], bundle: true, format: "esm", platform: "node", write: false, logLevel: "warning" });
const protocol = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);

const sales = { reads: ["/data/sales.csv"], writesOutput: true, imports: ["csv", "json"] };

async function addCell(page, message) {
  await page.evaluate((m) => window.__sendToPanel(m), { prompt: "", findings: [], dataFiles: [], ...message, type: "cell/add" });
  const cell = page.locator(`section.cell[data-cell-id="${message.id}"]`);
  // The editor chunk loads at start; until it is there the code is plain text.
  await cell.locator(".cm-editor .cm-content").waitFor();
  return cell;
}

/** Replaces the editor's text by typing, as a user would (select all, then type). */
async function typeCode(page, cell, text) {
  await cell.locator(".cm-content").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.type(text);
}

test("typed code is what runs: Ctrl+Enter in the editor runs the edited code and shows its output", async () => {
  const page = suite.page;
  const cell = await addCell(page, { id: "typed", code: 'print("before")' });
  await typeCode(page, cell, 'print("after", 6 * 7)');
  await page.keyboard.press("Control+Enter");
  await page.waitForSelector('section.cell[data-cell-id="typed"][data-run="ok"]', { timeout: bootDeadlineMs });
  assert.equal(await cell.locator("pre.stdout").textContent(), "after 42\n");
  // Ctrl+Enter ran the cell instead of inserting a line.
  assert.equal(await cell.locator(".cm-content").innerText(), 'print("after", 6 * 7)');
  const result = await page.evaluate(() => window.__hostMessages.find((m) => m.type === "cell/result" && m.id === "typed"));
  assert.equal(result.summary.stdout, "after 42\n");
  assert.equal(result.code, 'print("after", 6 * 7)', "the result names the code that ran, for the run record");
  // Accept takes the edited code too.
  await cell.locator('button[data-action="accept"]').click();
  const accepted = await page.evaluate(() => window.__hostMessages.find((m) => m.type === "cell/accept" && m.id === "typed"));
  assert.equal(accepted.code, 'print("after", 6 * 7)');
});

test("the editor highlights Python: keywords, strings, numbers and comments become token spans", async () => {
  const cell = await addCell(suite.page, { id: "colours", code: 'import csv\n\ndef total(rows):\n    return sum(int(r["n"]) for r in rows)  # the sum\n\nprint(total([{"n": "41"}]) + 1)\n' });
  const content = cell.locator(".cm-content");
  // The code line by line, as the end-to-end scenarios read it (the editor's innerText would double blank lines).
  assert.equal(await cell.locator(".code-text").count(), 1);
  assert.equal((await content.locator(".cm-line").allTextContents()).join("\n"), 'import csv\n\ndef total(rows):\n    return sum(int(r["n"]) for r in rows)  # the sum\n\nprint(total([{"n": "41"}]) + 1)\n');
  assert.ok((await content.locator(".tok-keyword").allTextContents()).includes("def"));
  assert.ok((await content.locator(".tok-keyword").allTextContents()).includes("import"));
  assert.ok((await content.locator(".tok-string").allTextContents()).includes('"41"'));
  assert.ok((await content.locator(".tok-number").allTextContents()).includes("1"));
  assert.deepEqual(await content.locator(".tok-comment").allTextContents(), ["# the sum"]);
  // The token colours come from panel.css: a keyword is not drawn in the text colour.
  const [keyword, text] = await Promise.all([
    content.locator(".tok-keyword").first().evaluate((e) => getComputedStyle(e).color),
    content.evaluate((e) => getComputedStyle(e).color),
  ]);
  assert.notEqual(keyword, text);
});

test("the editor draws under the panel's CSP: its styles apply with the page's nonce and nothing is blocked", async () => {
  const page = await suite.browser.context.newPage();
  const console = [];
  page.on("console", (m) => console.push(m.text()));
  await page.goto(suite.harness.url);
  await page.evaluate((m) => window.__sendToPanel(m), { type: "cell/add", id: "csp", prompt: "", code: "x = 1\n", findings: [], dataFiles: [] });
  await page.locator('section.cell[data-cell-id="csp"] .cm-editor .cm-content').waitFor();
  // CodeMirror's base theme (a style element with the nonce) is in force: its editor is a flex box.
  assert.equal(await page.locator(".cm-editor").evaluate((e) => getComputedStyle(e).display), "flex");
  assert.equal(await page.evaluate(() => [...document.querySelectorAll("style")].every((s) => s.nonce !== "")), true);
  await page.waitForSelector('#status[data-state="ready"]', { timeout: bootDeadlineMs });
  const errors = await page.evaluate(() => window.__hostMessages.filter((m) => m.type === "webview/error").map((m) => m.message));
  assert.deepEqual(errors, []);
  assert.deepEqual(console.filter((t) => /Content Security Policy|Refused to/i.test(t)), []);
  await page.close();
});

test("a new cell scrolls into view and takes focus in its editor", async () => {
  const page = suite.page;
  const long = Array.from({ length: 40 }, (_, i) => `x${i} = ${i}`).join("\n");
  for (let i = 0; i < 4; i++) await addCell(page, { id: `filler-${i}`, code: long });
  await page.evaluate(() => window.scrollTo(0, 0));
  await addCell(page, { id: "newest", code: "print('new')" });
  await waitInPage(page, () => document.activeElement?.closest('section.cell[data-cell-id="newest"] .cm-content') !== null);
  const box = await page.locator('section.cell[data-cell-id="newest"] .cm-editor').evaluate((e) => {
    const r = e.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, height: window.innerHeight };
  });
  assert.ok(box.top >= 0 && box.bottom <= box.height, `the new cell's editor is in view: ${JSON.stringify(box)}`);
  // Typing goes straight into it.
  await page.keyboard.press("End");
  await page.keyboard.type("  # typed");
  assert.equal(await page.locator('section.cell[data-cell-id="newest"] .cm-content').innerText(), "print('new')  # typed");
});

test("the capability summary shows before the cell runs, as text", async () => {
  const hostile = "/data/<img src=x onerror=alert(1)>.csv";
  const cell = await addCell(suite.page, {
    id: "summary",
    code: 'import csv, json\nrows = list(csv.reader(open("/data/sales.csv")))\n',
    capabilities: { reads: [...sales.reads, hostile], writesOutput: true, imports: sales.imports },
  });
  assert.equal(await cell.getAttribute("data-run"), "idle");
  const line = cell.locator(".capabilities");
  assert.equal(await line.textContent(), `Reads /data/sales.csv, ${hostile} · writes /output · imports csv, json · no findings`);
  assert.equal(await line.locator("img").count(), 0);
  // It comes before the code, where the user looks before clicking Run.
  assert.equal(await cell.evaluate((c) => c.querySelector(".capabilities").compareDocumentPosition(c.querySelector(".cm-editor")) & Node.DOCUMENT_POSITION_FOLLOWING), 4);
});

test("Check sends the edited code to the host, and the server's answer updates the summary and the verdict", async () => {
  const page = suite.page;
  const cell = await addCell(page, { id: "recheck", code: "import csv\nprint(1)\n", capabilities: { reads: [], writesOutput: false, imports: ["csv"] }, server: "passed" });
  const check = cell.locator('button[data-action="check"]');
  assert.equal(await check.isDisabled(), true, "nothing to check before an edit");
  await typeCode(page, cell, 'import json\nprint(open("/data/sales.csv").read())');
  await cell.locator('.chip-server-edited').waitFor();
  assert.match(await cell.locator(".capabilities").textContent(), /before your edits: Check to update/);
  await check.click();
  await waitInPage(page, () => window.__hostMessages.some((m) => m.type === "cell/check" && m.id === "recheck"));
  const sent = await page.evaluate(() => window.__hostMessages.find((m) => m.type === "cell/check" && m.id === "recheck"));
  assert.deepEqual(protocol.parsePageMessage(sent), { ok: true, value: { type: "cell/check", id: "recheck", code: 'import json\nprint(open("/data/sales.csv").read())' } });
  assert.equal(await cell.locator(".capabilities").textContent(), "Checking on the server…");
  const answer = {
    type: "cell/checked",
    id: "recheck",
    code: sent.code,
    findings: [{ ruleId: "AC103", severity: "warning", message: "writes or changes files", line: 1 }],
    blocking: false,
    capabilities: { reads: ["/data/sales.csv"], writesOutput: false, imports: ["json"] },
  };
  assert.equal(protocol.parseHostMessage(answer).ok, true);
  await page.evaluate((m) => window.__sendToPanel(m), answer);
  await cell.locator(".chip-server-passed").waitFor();
  assert.equal(await cell.locator(".chip-server-passed").textContent(), "Checked on the server");
  assert.equal(await cell.locator(".capabilities").textContent(), "Reads /data/sales.csv · writes nothing to /output · imports json · 1 finding");
  assert.match(await cell.locator(".finding").first().textContent(), /AC103/);
  assert.equal(await check.isDisabled(), true);
  // The editor kept the edited code through the new rendering.
  assert.equal(await cell.locator(".cm-content").innerText(), 'import json\nprint(open("/data/sales.csv").read())');

  mkdirSync(artifacts, { recursive: true });
  const file = join(artifacts, "editor-summary.png");
  await cell.screenshot({ path: file });
  console.log(`screenshot: ${file}`);
});

test("a blocking answer to Check turns Accept into Accept anyway", async () => {
  const page = suite.page;
  const cell = await addCell(page, { id: "blocked", code: "print(1)\n", server: "passed" });
  await typeCode(page, cell, "import subprocess");
  await cell.locator('button[data-action="check"]').click();
  await waitInPage(page, () => window.__hostMessages.some((m) => m.type === "cell/check" && m.id === "blocked"));
  await page.evaluate((m) => window.__sendToPanel(m), {
    type: "cell/checked", id: "blocked", code: "import subprocess", blocking: true, capabilities: { reads: [], writesOutput: false, imports: ["subprocess"] },
    findings: [{ ruleId: "AC101", severity: "error", message: "runs another process", line: 0 }],
  });
  await cell.locator(".chip-server-failed").waitFor();
  assert.equal(await cell.locator(".chip-server-failed").textContent(), "Blocked by the server's check");
  assert.equal(await cell.locator('button[data-action="accept"]').textContent(), "Accept anyway");
});

test("a Check the host could not do says why, and Check can be clicked again", async () => {
  const page = suite.page;
  const cell = await addCell(page, { id: "unchecked", code: "print(1)\n", server: "passed" });
  await typeCode(page, cell, "print(2)");
  const check = cell.locator('button[data-action="check"]');
  await check.click();
  await waitInPage(page, () => window.__hostMessages.some((m) => m.type === "cell/check" && m.id === "unchecked"));
  await page.evaluate((m) => window.__sendToPanel(m), { type: "cell/checkFailed", id: "unchecked", message: "The AgentCode server is not running." });
  await cell.locator(".capabilities.check-failed").waitFor();
  assert.equal(await cell.locator(".capabilities").textContent(), "Not checked: The AgentCode server is not running.");
  assert.equal(await check.isDisabled(), false);
  assert.equal(await cell.locator(".chip-server-edited").textContent(), "Edited: not checked by the server");
});
