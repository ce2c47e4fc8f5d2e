// End to end in code-server with the built .vsix: a package installed for the panel with "AgentCode: Install Python
// Packages for the Panel…" is downloaded by the extension host from a loopback HTTP server posing as a Pyodide
// mirror (agentcode.pyodide.packageSource), and a generated program importing it runs in the panel while its server
// trial run shows as skipped. The npm package's lock has no test packages, so the test adds the entries of two
// wheels it builds (agentcode-testpkg needs agentcode-testdep) to the lock of the installed extension before the
// workbench opens: that is the lock both the extension host and the panel read. The mirror's request log proves
// that only the host's downloads reached it: the panel read the files from its own resource origin. A second test
// has the model's first program fail in the panel: the failure goes back to the model as the next attempt, with the
// panel's traceback after the earlier reply, and the repaired program runs in the panel.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { pollUntil, quietWorkbench, startCodeServer, withArtifacts } from "./code_server.mjs";
import { codeReply, startOpenAiServer } from "./openai_server.mjs";
import { newestVsix } from "../../scripts/verify-vsix.mjs";
import { startMirror, testPackages } from "../wheels.mjs";
import { answerInputBox, failOnVisibleError, findWebviewFrame, launchBrowser, openWorkbench, runCommand } from "./workbench.mjs";

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const code = "from agentcode_testpkg import hello\nprint(hello('e2e'))";
const wheels = ["/pyodide/agentcode_testdep-1.0-py3-none-any.whl", "/pyodide/agentcode_testpkg-1.0-py3-none-any.whl"];

let openai;
let mirror;
let codeServer;
let browser;
let workspace;

before(async () => {
  const packages = await testPackages();
  mirror = await startMirror(new Map(packages.files));
  openai = await startOpenAiServer({ replies: [codeReply(code)] });
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-e2e-packages-"));
  fs.writeFileSync(path.join(workspace, "analysis.py"), "# analysis\n");
  codeServer = await startCodeServer({
    vsix: process.env.AGENTCODE_VSIX ?? newestVsix(extensionDir),
    env: { AGENTCODE_API_KEY: "sk-e2e-packages" },
    settings: {
      "agentcode.llm.baseUrl": openai.baseUrl,
      "agentcode.llm.model": "test-model",
      "agentcode.pyodide.packageSource": mirror.url,
      "agentcode.trace": "verbose",
      "security.workspace.trust.enabled": false,
      ...quietWorkbench,
    },
  });
  const installed = fs.readdirSync(codeServer.dirs.extensions).find((d) => d.startsWith("agentcode.agentcode-"));
  assert.ok(installed, "the extension is installed");
  const lockPath = path.join(codeServer.dirs.extensions, installed, "media", "webview", "pyodide", "pyodide-lock.json");
  const lock = JSON.parse(fs.readFileSync(lockPath, "utf8"));
  lock.packages = { ...lock.packages, ...packages.lock.packages };
  fs.writeFileSync(lockPath, JSON.stringify(lock));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await codeServer?.stop();
  await openai?.close();
  await mirror?.close();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

/** What a failure of a scenario here leaves for inspection (withArtifacts). */
const scene = () => ({ page: browser?.page, codeServer, note: () => `mirror requests: ${JSON.stringify(mirror?.requests)}` });

/** Runs the install command and picks agentcode-testpkg in its multi-select list; returns the message shown after. */
async function installTestPackage(page) {
  await runCommand(page, "Notifications: Clear All Notifications");
  await runCommand(page, "AgentCode: Install Python Packages for the Panel");
  const widget = page.locator(".quick-input-widget", { has: page.locator(".quick-input-title", { hasText: "Install Python Packages for the Panel" }) });
  await widget.locator(".quick-input-box input").waitFor({ timeout: 30_000 });
  await widget.locator(".quick-input-box input").fill("agentcode-testpkg");
  const row = widget.locator(".quick-input-list .monaco-list-row", { hasText: "agentcode-testpkg" }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.locator("input[type=checkbox], .quick-input-list-checkbox, .monaco-checkbox").first().click();
  await widget.locator(".quick-input-box input").press("Enter");
  const toast = page.locator(".notification-toast .notification-list-item-message", { hasText: /agentcode-testpkg 1\.0/ }).first();
  await pollUntil(
    "the install to finish",
    async () => {
      await failOnVisibleError(page);
      return (await toast.count()) > 0;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  return toast.innerText();
}

test("an installed test package imports in the panel, its server trial run shows as skipped, and only the host's downloads reach the mirror", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = browser.page;
    await openWorkbench(page, codeServer.url, workspace);

    const installed = await installTestPackage(page);
    assert.match(installed, /installed agentcode-testpkg 1\.0 and 1 dependency for the panel \(.+ downloaded and verified\)/);
    assert.deepEqual([...mirror.requests].sort(), wheels, "the extension host downloaded each wheel once");

    await runCommand(page, "AgentCode: Generate Python");
    await answerInputBox(page, "AgentCode: Generate Python", "Greet with the test package");
    const finished = 'section.cell[data-run="ok"], section.cell[data-run="error"], section.cell[data-run="failed"]';
    const panel = await pollUntil(
      "the panel to show a finished run",
      async () => {
        await failOnVisibleError(page);
        return findWebviewFrame(page, finished);
      },
      { timeoutMs: 360_000, intervalMs: 1000 },
    );
    const cell = panel.locator(finished).first();
    const stdout = await cell.locator("pre.stdout").innerText().catch(() => "");
    const traceback = (await cell.locator("pre.traceback").allInnerTexts()).join("\n");
    assert.equal(await cell.getAttribute("data-run"), "ok", `run failed: ${stdout}\n${traceback}`);
    assert.match(stdout, /^hello e2e from agentcode_testpkg$/m);
    const findings = (await cell.locator("li.finding").allInnerTexts()).join("\n");
    assert.match(findings, /trial-run: Server trial run skipped: needs agentcode_testpkg \(panel only\)/);

    assert.equal(openai.requests.length, 1, "the skipped trial run was not sent back for repair");
    const system = openai.requests[0].json.messages[0].content;
    assert.match(system, /Installed in the review panel only:\*\* agentcode-testdep 1\.0 \(`import agentcode_testdep`\), agentcode-testpkg 1\.0 \(`import agentcode_testpkg`\)/, "the model was told what is installed");
    assert.deepEqual([...mirror.requests].sort(), wheels, "the panel made no request to the mirror");

    const again = await installTestPackage(page);
    assert.match(again, /already installed; nothing was downloaded/);
    assert.deepEqual([...mirror.requests].sort(), wheels, "installing twice downloads nothing the second time");
  });
});

test("code that fails in the panel after a skipped trial run goes back to the model with the panel's traceback, and the repaired code runs", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = browser.page;
    const broken = "from agentcode_testpkg import hello\nprint(hello())";
    const fixed = "from agentcode_testpkg import hello\nprint(hello('again'))";
    openai.enqueue(codeReply(broken));
    openai.enqueue(codeReply(fixed));
    const before = openai.requests.length;

    await runCommand(page, "AgentCode: Generate Python");
    await answerInputBox(page, "AgentCode: Generate Python", "Greet again with the test package");
    const repaired = 'section.cell[data-run="ok"]:has(pre.stdout:text("hello again from agentcode_testpkg"))';
    const panel = await pollUntil(
      "the repaired code to run in the panel",
      async () => {
        await failOnVisibleError(page);
        return findWebviewFrame(page, repaired);
      },
      { timeoutMs: 480_000, intervalMs: 1000 },
    );
    const failed = panel.locator('section.cell[data-run="error"]', { hasText: "Greet again with the test package" }).first();
    assert.match(await failed.locator("pre.traceback").innerText(), /TypeError: hello\(\) missing 1 required positional argument/);

    assert.equal(openai.requests.length, before + 2, "one model call for the code, one for its repair");
    const messages = openai.requests[before + 1].json.messages;
    assert.equal(messages.at(-2).role, "assistant");
    assert.ok(messages.at(-2).content.includes(broken), "the failed reply is replayed");
    assert.match(messages.at(-1).content, /failed when it ran in the review panel \(Pyodide\)/);
    assert.match(messages.at(-1).content, /TypeError: hello\(\) missing 1 required positional argument/);
    const cell = panel.locator(repaired).first();
    assert.match((await cell.locator("li.finding").allInnerTexts()).join("\n"), /Server trial run skipped: needs agentcode_testpkg/);
    assert.match(await cell.locator(".prompt").innerText(), /repaired after the panel run failed/);
    assert.deepEqual([...mirror.requests].sort(), wheels, "still no request from the panel to the mirror");
  });
});
