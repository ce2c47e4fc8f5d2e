// End-to-end: the panel tells the server's story in a real VS Code (code-server) with the built .vsix. The scripted
// model's first reply fails its trial run on the server (NameError), the second passes; the panel's cell shows both
// attempts, the first with its error and the reason it went back, the second as a diff, and the cell's state at a
// glance. A screenshot of the panel is written to the artifacts directory printed by the test. One code-server
// and one browser page for the file.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { pollUntil, quietWorkbench, startCodeServer, withArtifacts } from "./code_server.mjs";
import { codeReply, startOpenAiServer } from "./openai_server.mjs";
import { newestVsix } from "../../scripts/verify-vsix.mjs";
import { acceptThroughPreview, answerInputBox, failOnVisibleError, findWebviewFrame, launchBrowser, openFile, openWorkbench, runCommand } from "./workbench.mjs";

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const apiKey = "sk-e2e-notebook";
const prompt = "Print the total of 3, 4 and 5";
const broken = 'print("total", totl)';
const fixed = 'print("total", sum([3, 4, 5]))';

let openai;
let codeServer;
let browser;
let workspace;
let artifacts;

before(async () => {
  openai = await startOpenAiServer({ replies: [codeReply(broken), codeReply(fixed)] });
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-e2e-notebook-"));
  artifacts = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-e2e-notebook-artifacts-"));
  fs.writeFileSync(path.join(workspace, "analysis.py"), "# analysis\n");
  const vsix = process.env.AGENTCODE_VSIX ?? newestVsix(extensionDir);
  if (vsix === undefined) throw new Error("no extension/*.vsix: run `npm run package` (or extension/test/e2e/run.sh) first");
  codeServer = await startCodeServer({
    vsix,
    env: { AGENTCODE_API_KEY: apiKey },
    settings: {
      "agentcode.llm.baseUrl": openai.baseUrl,
      "agentcode.llm.model": "test-model",
      "agentcode.trace": "verbose",
      "security.workspace.trust.enabled": false,
      ...quietWorkbench,
      ...JSON.parse(process.env.AGENTCODE_E2E_SETTINGS ?? "{}"),
    },
  });
  browser = await launchBrowser();
  await openWorkbench(browser.page, codeServer.url, workspace);
});

after(async () => {
  await browser?.close();
  await codeServer?.stop();
  await openai?.close();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

/** What a failure of a scenario here leaves for inspection (withArtifacts). */
const scene = () => ({ page: browser?.page, codeServer, dir: artifacts });

test("a generation whose first attempt fails shows both attempts in the cell, with the first attempt's error", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = browser.page;
    await openFile(page, "analysis.py");
    await runCommand(page, "AgentCode: Generate Python");
    await answerInputBox(page, "AgentCode: Generate Python", prompt);
    const finished = 'section.cell:is([data-run="ok"],[data-run="error"],[data-run="failed"]) details.attempts';
    const panel = await pollUntil(
      "the panel to show the generated cell with its attempts, run",
      async () => {
        await failOnVisibleError(page);
        return findWebviewFrame(page, finished);
      },
      { timeoutMs: 360_000, intervalMs: 1000 },
    );
    const cell = panel.locator("section.cell").filter({ has: panel.locator("details.attempts") }).first();
    assert.equal(await cell.getAttribute("data-server"), "passed");
    assert.equal(await cell.locator(".chip-server-passed").innerText(), "Passed on the server");
    const attempts = cell.locator("details.attempts .attempt");
    assert.equal(await attempts.count(), 2);
    const first = attempts.nth(0);
    assert.equal(await first.getAttribute("data-outcome"), "runtime");
    assert.match(await first.locator("pre.attempt-error").innerText(), /NameError: name 'totl' is not defined/);
    assert.match(await first.locator(".attempt-reason").innerText(), /NameError/);
    const second = attempts.nth(1);
    assert.equal(await second.getAttribute("data-outcome"), "passed");
    assert.match(await second.locator(".diff-added").first().innerText(), /sum\(\[3, 4, 5\]\)/);
    assert.match(await second.locator("pre.attempt-stdout").innerText(), /^total 12$/m);
    // The panel ran the same code as the server's passing trial run, with the same output: nothing to flag.
    assert.equal(await cell.getAttribute("data-run"), "ok");
    assert.equal(await cell.locator(".consistency").count(), 0);
    assert.equal(await cell.locator('button[data-action="accept"]').innerText(), "Accept");
    await cell.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, "attempt-history.png") });
    t.diagnostic(`screenshot: ${path.join(artifacts, "attempt-history.png")}`);
    assert.equal(openai.requests.length, 2, "the failed attempt went back to the model once");
    assert.match(openai.requests[1].body, /NameError/);
  });
});

test("Accept goes through the diff preview, leaves the panel visible, and writes the file only after Apply", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = browser.page;
    const file = path.join(workspace, "analysis.py");
    const panel = await findWebviewFrame(page, "section.cell details.attempts");
    assert.ok(panel, "the panel from the previous test is open");
    const cell = panel.locator("section.cell").filter({ has: panel.locator("details.attempts") }).first();
    await cell.locator('button[data-action="accept"]').click();
    await acceptThroughPreview(page, {
      placement: "Insert at the cursor in analysis.py",
      diffTitle: "AgentCode: proposed change",
      onDiff: async () => {
        // While the question is open nothing is written, and the panel is still on screen beside the diff.
        assert.equal(fs.readFileSync(file, "utf8"), "# analysis\n");
        assert.ok(await page.locator('.tabs-container .tab.active[aria-label*="AgentCode Sandbox"]').count(), "the panel stays visible");
        await page.screenshot({ path: path.join(artifacts, "accept-preview.png") });
        t.diagnostic(`screenshot: ${path.join(artifacts, "accept-preview.png")}`);
      },
    });
    const written = await pollUntil(
      "analysis.py on disk to contain the accepted code",
      async () => {
        const text = fs.readFileSync(file, "utf8");
        return text.includes(fixed) ? text : null;
      },
      { timeoutMs: 60_000 },
    );
    assert.match(written, /# analysis/);
    assert.equal(await cell.getAttribute("data-decision"), "accepted");
  });
});
