// End to end in code-server: the panel is ready before the generated code arrives. The scripted model holds each
// reply until the test lets it go, so the generation is still "thinking" while the test watches the panel: Generate
// opens the panel and starts Python at once, and Python must reach ready before the reply is sent. The first window
// boots Python cold and the extension keeps its memory snapshot in global storage; the second window (a new browser
// page on another folder: a new extension host, no panel to restore) starts Python from that snapshot, and its cell arrives at a ready interpreter, runs and
// shows its output without a "Starting Python…" wait. While the reply is held the panel shows the generation's
// progress (the prompt and the server's step) where the cell will appear.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { pollUntil, quietWorkbench, startCodeServer, withArtifacts } from "./code_server.mjs";
import { codeReply, startOpenAiServer } from "./openai_server.mjs";
import { newestVsix } from "../../scripts/verify-vsix.mjs";
import { answerInputBox, findWebviewFrame, launchBrowser, openFile, openWorkbench, runCommand } from "./workbench.mjs";

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A promise with its resolve, for a reply the test lets go. */
function gate() {
  let open;
  const promise = new Promise((resolve) => (open = resolve));
  return { promise, open };
}

const windows = [
  { prompt: "Print the product of 6 and 7", code: 'print("product", 6 * 7)', stdout: /^product 42$/m, gate: gate() },
  { prompt: "Print the squares of 1 to 3", code: 'print("squares", [n * n for n in range(1, 4)])', stdout: /^squares \[1, 4, 9\]$/m, gate: gate() },
];

let openai;
let codeServer;
let browser;
let workspace;
let workspace2;

before(async () => {
  openai = await startOpenAiServer({ replies: windows.map((w) => codeReply(w.code, { held: w.gate.promise })) });
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-e2e-ready-"));
  fs.writeFileSync(path.join(workspace, "analysis.py"), "# analysis\n");
  workspace2 = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-e2e-ready-second-"));
  fs.writeFileSync(path.join(workspace2, "analysis.py"), "# another project\n");
  const vsix = process.env.AGENTCODE_VSIX || newestVsix(extensionDir);
  if (vsix === undefined) throw new Error("no extension/*.vsix: run `npm run package` (or extension/test/e2e/run.sh) first");
  codeServer = await startCodeServer({
    vsix,
    env: { AGENTCODE_API_KEY: "sk-e2e-ready" },
    settings: {
      "agentcode.llm.baseUrl": openai.baseUrl,
      "agentcode.llm.model": "test-model",
      "agentcode.trace": "verbose",
      "security.workspace.trust.enabled": false,
      ...quietWorkbench,
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  for (const w of windows) w.gate.open(); // a failed test must not leave a reply hanging
  await browser?.close();
  await codeServer?.stop();
  await openai?.close();
  for (const dir of [workspace, workspace2]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Saves a screenshot as DIR/NAME.png when AGENTCODE_E2E_SCREENSHOTS=DIR is set. */
async function screenshot(page, name) {
  const dir = process.env.AGENTCODE_E2E_SCREENSHOTS;
  if (dir === undefined || dir === "") return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

/** The panel's snapshot files in the extension's global storage. */
function savedSnapshots() {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".snapshot")) found.push(full);
    }
  };
  walk(path.join(codeServer.dirs.userData, "User", "globalStorage"));
  return found;
}

/**
 * Generates in `page` with the model's reply held: waits for the panel to show Python ready (from the snapshot when
 * `fromSnapshot`) while the model has not answered, then lets the reply go and returns the finished cell.
 */
async function generateWithReplyHeld(page, w, { fromSnapshot }) {
  await openFile(page, "analysis.py");
  await runCommand(page, "AgentCode: Generate Python");
  await answerInputBox(page, "AgentCode: Generate Python", w.prompt);
  const ready = `#status[data-state="ready"]${fromSnapshot ? '[data-from-snapshot="true"]' : ""}`;
  const panel = await pollUntil(`the panel to show Python ready while the model is still answering`, () => findWebviewFrame(page, ready), {
    timeoutMs: 360_000,
    intervalMs: 500,
  });
  assert.equal(await panel.locator("section.cell").count(), 0, "no cell before the model answered");
  // The panel tells the generation's story meanwhile: the prompt and the server's step.
  const progress = panel.locator("section.generation");
  await progress.locator(".generation-phase", { hasText: "asking test-model" }).waitFor({ timeout: 60_000 });
  assert.equal(await progress.locator(".prompt").innerText(), w.prompt);
  await screenshot(page, `ready-${fromSnapshot ? "second" : "first"}-window-waiting`);
  w.gate.open();
  const finished = 'section.cell:is([data-run="ok"], [data-run="error"], [data-run="failed"])';
  await pollUntil("the generated cell to finish its run", () => findWebviewFrame(page, finished), { timeoutMs: 360_000, intervalMs: 500 });
  const cell = panel.locator(finished).first();
  assert.equal(await cell.getAttribute("data-run"), "ok", await cell.innerText());
  assert.match(await cell.locator("pre.stdout").innerText(), w.stdout);
  assert.equal(await cell.getAttribute("data-python-on-arrival"), "ready", "Python was ready when the code arrived");
  assert.equal(await panel.locator("section.generation").count(), 0, "the progress gave way to the cell");
  return panel;
}

test("A second window's generation finds the panel ready from the saved snapshot before its code arrives, and shows the output", async (t) => {
  // The second window's page replaces the first midway: a failure's screenshot is of the page open at that moment.
  const scene = { get page() { return browser?.page; }, codeServer };
  await withArtifacts(t, scene, async () => {
    const first = browser.page;
    await openWorkbench(first, codeServer.url, workspace);
    await generateWithReplyHeld(first, windows[0], { fromSnapshot: false });
    const snapshot = await pollUntil("the panel's snapshot to be saved in global storage", () => savedSnapshots()[0] ?? null, { timeoutMs: 120_000 });
    t.diagnostic(`saved snapshot: ${snapshot} (${Math.round(fs.statSync(snapshot).size / 1024 / 1024)} MiB)`);
    await first.close();

    const second = await first.context().newPage();
    second.setDefaultTimeout(30_000);
    browser.page = second;
    await openWorkbench(second, codeServer.url, workspace2);
    const panel = await generateWithReplyHeld(second, windows[1], { fromSnapshot: true });
    t.diagnostic(`second window: ${await panel.locator("#status").innerText()}`);
    await screenshot(second, "ready-second-window-output");
    assert.equal(openai.requests.length, 2, "one model call per window");
  });
});
