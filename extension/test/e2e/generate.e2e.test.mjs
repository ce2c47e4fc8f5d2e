// End-to-end tests in a real VS Code (code-server 4.139.1) with the built .vsix installed,
// driven from Debian Chromium: the command palette runs "AgentCode: Generate Python...", the prompt goes through
// the real language server to a scripted OpenAI-compatible server on 127.0.0.1, the sandbox panel runs the code
// in Pyodide and shows its output, a click on Accept writes the code into the open file on disk and the decision
// into .agentcode/runs.jsonl. A second test opens a file that imports socket and finds the checker's finding
// in the Problems view (diagnostics from the language server). A third has the model refuse the key (HTTP 401):
// VS Code shows the server's advice, no stack trace, and the next Generate offers the same prompt. The .vsix comes from AGENTCODE_VSIX or the newest extension/*.vsix (run.sh
// packages it). On failure a screenshot and the code-server and VS Code logs are copied to a temp dir whose path
// is printed.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { pollUntil, quietWorkbench, startCodeServer, withArtifacts } from "./code_server.mjs";
import { codeReply, startOpenAiServer, statusReply } from "./openai_server.mjs";
import { newestVsix } from "../../scripts/verify-vsix.mjs";
import { acceptThroughPreview, answerInputBox, failOnVisibleError, findWebviewFrame, inputBox, launchBrowser, notificationMessages, openFile, openWorkbench, runCommand } from "./workbench.mjs";

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const apiKey = "sk-e2e-7f3a9c";
const prompt = "Print the total of 3, 4 and 5";
const code = 'print("total", sum([3, 4, 5]))';

function findVsix() {
  if (process.env.AGENTCODE_VSIX) {
    return process.env.AGENTCODE_VSIX;
  }
  const vsix = newestVsix(extensionDir);
  if (vsix === undefined) {
    throw new Error("no extension/*.vsix: run `npm run package` (or extension/test/e2e/run.sh) first");
  }
  return vsix;
}

let openai;
let codeServer;
let browser;
let workspace;

before(async () => {
  openai = await startOpenAiServer({ replies: [codeReply(code)] });
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-e2e-workspace-"));
  fs.writeFileSync(path.join(workspace, "analysis.py"), "# analysis\n");
  fs.writeFileSync(path.join(workspace, "network.py"), "import socket\n\nprint(socket.gethostname())\n");
  codeServer = await startCodeServer({
    vsix: findVsix(),
    env: { AGENTCODE_API_KEY: apiKey },
    settings: {
      "agentcode.llm.baseUrl": openai.baseUrl,
      "agentcode.llm.model": "test-model",
      // The LSP traffic lands in the AgentCode output channel log, copied with the failure artifacts.
      "agentcode.trace": "verbose",
      "security.workspace.trust.enabled": false,
      ...quietWorkbench,
      // Extra user settings for debugging, e.g. '{"agentcode.server.path": "/path/to/agentcode.dll"}'.
      ...JSON.parse(process.env.AGENTCODE_E2E_SETTINGS ?? "{}"),
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await codeServer?.stop();
  await openai?.close();
  if (workspace) {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
});

/**
 * Saves a screenshot of the workbench as DIR/NAME.png when AGENTCODE_E2E_SCREENSHOTS=DIR is set: the README's
 * pictures of generate -> panel -> accept are taken from this scenario (scripts/readme-images.sh).
 */
async function screenshot(page, name) {
  const dir = process.env.AGENTCODE_E2E_SCREENSHOTS;
  if (dir === undefined || dir === "") return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

/** What a failure of a scenario here leaves for inspection (withArtifacts). */
const scene = () => ({ page: browser?.page, codeServer, workspace });

let workbenchOpen = false;

/** Opens the workspace in the workbench the first time a test needs it. */
async function workbench() {
  if (!workbenchOpen) {
    await openWorkbench(browser.page, codeServer.url, workspace);
    workbenchOpen = true;
  }
  return browser.page;
}

test("Generate Python from the palette runs the code in the panel, and Accept writes it into the open file", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = await workbench();
    await openFile(page, "analysis.py");

    await runCommand(page, "AgentCode: Generate Python");
    await answerInputBox(page, "AgentCode: Generate Python", prompt, { beforeEnter: () => screenshot(page, "1-generate") });

    // The language server starts, compiles python.wasm (cold cache), asks the model, checks and trial-runs the
    // code; then the panel loads Pyodide and runs it. Generous: 2 busy cores.
    const finished = 'section.cell[data-run="ok"], section.cell[data-run="error"], section.cell[data-run="failed"]';
    const panel = await pollUntil(
      "the AgentCode Sandbox panel to show a finished run",
      async () => {
        await failOnVisibleError(page);
        return findWebviewFrame(page, finished);
      },
      { timeoutMs: 360_000, intervalMs: 1000 },
    );
    const cell = panel.locator(finished).first();
    const stdout = await cell.locator("pre.stdout").innerText();
    const traceback = (await cell.locator("pre.traceback").allInnerTexts()).join("\n");
    assert.equal(await cell.getAttribute("data-run"), "ok", `run failed: ${stdout}\n${traceback}`);
    assert.match(stdout, /^total 12$/m);
    assert.equal(await cell.locator(".prompt").innerText(), prompt);
    // The code editor's lines (its innerText would double blank lines).
    await cell.locator(".cm-content").waitFor();
    assert.equal((await cell.locator(".cm-content .cm-line").allTextContents()).join("\n").trim(), code);
    assert.ok(
      await page.locator('.tabs-container .tab[aria-label*="AgentCode Sandbox"]').count(),
      "the panel tab is titled AgentCode Sandbox",
    );

    await screenshot(page, "2-panel");
    await cell.locator('button[data-action="accept"]').click();
    // Accept asks where the code goes and shows the change in a diff editor; it is written after Apply.
    await acceptThroughPreview(page, { placement: "Insert at the cursor in analysis.py", diffTitle: "AgentCode: proposed change" });

    const file = path.join(workspace, "analysis.py");
    const written = await pollUntil(
      "analysis.py on disk to contain the generated code",
      async () => {
        await failOnVisibleError(page);
        const text = fs.readFileSync(file, "utf8");
        return text.includes(code) ? text : null;
      },
      { timeoutMs: 60_000 },
    );
    assert.match(written, /# analysis/, "the file's own content is kept");
    const editorText = async () => (await page.locator(".editor-group-container .monaco-editor .view-lines").allInnerTexts()).join("\n").replace(/\u00a0/g, " ");
    await pollUntil("the editor to show the accepted code", async () => (await editorText()).includes(code), { timeoutMs: 30_000 });
    await screenshot(page, "3-accepted");

    const records = await pollUntil(
      ".agentcode/runs.jsonl to record the accept decision",
      () => {
        const log = path.join(workspace, ".agentcode", "runs.jsonl");
        const lines = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
        const parsed = lines.map((l) => JSON.parse(l));
        return parsed.some((r) => r.event === "decision" && r.decision === "accept") ? parsed : null;
      },
      { timeoutMs: 30_000 },
    );
    const hashes = [code, `${code}\n`].map((c) => createHash("sha256").update(c, "utf8").digest("hex"));
    const byEvent = (event) => records.find((r) => r.event === event && r.prompt === prompt);
    assert.equal(byEvent("generate")?.model, "test-model", JSON.stringify(records));
    assert.equal(byEvent("run")?.outputs?.status, "ok", JSON.stringify(records));
    assert.match(byEvent("run").outputs.stdout, /^total 12$/m);
    const decision = byEvent("decision");
    assert.equal(decision?.decision, "accept", JSON.stringify(records));
    assert.ok(hashes.includes(decision.codeSha256), "the record names the accepted code by its sha256");

    assert.equal(openai.requests.length, 1, "one model call");
    const request = openai.requests[0];
    assert.equal(request.path, "/v1/chat/completions");
    assert.equal(request.headers.authorization, `Bearer ${apiKey}`);
    assert.equal(request.json.model, "test-model");
    assert.ok(request.body.includes(prompt), "the prompt reached the model");
    t.diagnostic(`notifications at the end: ${JSON.stringify(await notificationMessages(page))}`);
  });
});

test("Opening a file that imports socket lists the network finding in the Problems view", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = await workbench();
    await openFile(page, "network.py");
    await runCommand(page, "View: Focus Problems");
    const row = page.locator(".markers-panel .monaco-list-row", { hasText: "AC102" }).first();
    await pollUntil(
      "the Problems view to list AC102 for network.py",
      async () => {
        await failOnVisibleError(page);
        return (await row.count()) > 0;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    const text = await row.innerText();
    assert.match(text, /network connection \(import socket\)/);
    assert.match(text, /agentcode/);
    assert.match(text, /Ln 1, Col 1/);
  });
});

test("When the model refuses the key, VS Code says so without a stack trace and keeps the prompt for the next try", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = await workbench();
    await runCommand(page, "Notifications: Clear All Notifications");
    const before = fs.readFileSync(path.join(workspace, "analysis.py"), "utf8");
    const refusedPrompt = "Summarise the weekly totals";
    openai.enqueue(statusReply(401));
    const requestsBefore = openai.requests.length;

    await openFile(page, "analysis.py");
    await runCommand(page, "AgentCode: Generate Python");
    await answerInputBox(page, "AgentCode: Generate Python", refusedPrompt);

    const toast = page.locator(".notification-toast:has(.codicon-error)", { hasText: "refused the API key" }).first();
    await toast.waitFor({ timeout: 180_000 });
    const message = await toast.locator(".notification-list-item-message").innerText();
    assert.match(message, /Set API Key|AGENTCODE_API_KEY/, "the message says what to do");
    assert.doesNotMatch(message, /\n\s*at |Exception|\.cs:\d|\.ts:\d/, "no stack trace");
    const buttons = await toast.locator(".monaco-button").allInnerTexts();
    assert.ok(buttons.some((b) => /Set API Key/.test(b)), `actions: ${buttons}`);

    assert.equal(openai.requests.length, requestsBefore + 1, "one model call, no retries for a refused key");
    const request = openai.requests.at(-1);
    assert.equal(request.headers.authorization, `Bearer ${apiKey}`);
    assert.ok(request.body.includes(refusedPrompt), "the prompt reached the model");
    assert.equal(fs.readFileSync(path.join(workspace, "analysis.py"), "utf8"), before, "nothing was written");

    await runCommand(page, "AgentCode: Generate Python");
    const input = inputBox(page, "AgentCode: Generate Python");
    await input.waitFor({ timeout: 30_000 });
    assert.equal(await input.inputValue(), refusedPrompt, "the input box offers the refused prompt again");
    await page.keyboard.press("Escape");
  });
});
