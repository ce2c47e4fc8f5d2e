// End to end in code-server with Workspace Trust on and the folder NOT trusted (Restricted Mode): AgentCode runs
// nothing by itself. The workspace's .vscode/settings.json points agentcode.llm.baseUrl at a second loopback
// OpenAI-compatible server, agentcode.server.path / server.dotnetPath at a script in the workspace that would write
// a marker file, and turns agentcode.panel.runOnOpen on; the user picks "No, I don't trust the authors" at VS
// Code's own prompt. Generate sends the prompt to the user's own endpoint (the workspace endpoint is ignored, and
// no Allow/Deny question is asked), opens the code in the panel without running it and says why; the cell runs
// once, when the user clicks Run. Run File asks in a modal first and runs nothing after Cancel; Run Cell asks too
// and runs after "Run in Sandbox". The marker never appears. Screenshots are kept in .artifacts/e2e-trust-restricted/
// at the repository root (git-ignored); on failure the logs are copied next to them.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { pollUntil, withArtifacts } from "./code_server.mjs";
import { codeReply } from "./openai_server.mjs";
import { startTrustScene } from "./trust_scene.mjs";
import { answerInputBox, failOnVisibleError, findWebviewFrame, notificationMessages, openFile, openWorkbench, runCommand } from "./workbench.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionDir = path.resolve(here, "..", "..");
const artifacts = path.resolve(extensionDir, "..", ".artifacts", "e2e-trust-restricted");
const environmentKey = "sk-user-env-41f0";
const generated = 'print("generated", 6 * 7)';
const restricted = "This workspace is in Restricted Mode, so AgentCode does not run code by itself. Trust the workspace to allow automatic runs.";

let trustScene;
let userServer;
let workspaceServer;
let codeServer;
let browser;
let workspace;
let marker;

before(async () => {
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  trustScene = await startTrustScene({
    name: "restricted",
    extensionDir,
    environmentKey,
    userReplies: [codeReply(generated)],
    workspaceReplies: [],
    workspaceSettings: { "agentcode.panel.runOnOpen": true },
    settings: {
      // The Restricted Mode banner would take focus from the editor the run commands read.
      "security.workspace.trust.banner": "never",
    },
    files: {
      "analysis.py": 'print("file ran")\n',
      "cells.py": '# %%\nprint("first cell ran")\n\n# %%\nprint("second cell ran")\n',
    },
  });
  ({ userServer, workspaceServer, codeServer, browser, workspace, marker } = trustScene);
});

after(async () => {
  await trustScene?.stop();
});

async function screenshot(name) {
  const file = path.join(artifacts, `${name}.png`);
  await browser.page.screenshot({ path: file });
  return file;
}

/** What a failure of a scenario here leaves for inspection (withArtifacts), beside the scenario's screenshots. */
const scene = () => ({ page: browser?.page, codeServer, workspace, dir: artifacts });

/** The dialog (modal) whose text contains `text`. */
function dialog(page, text) {
  return page.locator(".monaco-dialog-box", { hasText: text });
}

/** The records of .agentcode/runs.jsonl so far. */
function records() {
  const log = path.join(workspace, ".agentcode", "runs.jsonl");
  return fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
}

let ready = false;

/** Opens the folder and answers VS Code's trust prompt with "No, I don't trust the authors". */
async function restrictedWorkbench() {
  const page = browser.page;
  if (ready) return page;
  await openWorkbench(page, codeServer.url, workspace);
  const trustPrompt = dialog(page, "trust the authors");
  await trustPrompt.waitFor({ timeout: 120_000 });
  await trustPrompt.locator(".monaco-button", { hasText: "No, I don't trust the authors" }).click();
  await trustPrompt.waitFor({ state: "hidden", timeout: 30_000 });
  await page.locator(".statusbar-item", { hasText: "Restricted Mode" }).first().waitFor({ timeout: 30_000 });
  await screenshot("1-restricted-mode");
  ready = true;
  return page;
}

test("In Restricted Mode, Generate uses the user's own endpoint and opens the code in the panel without running it until Run is clicked", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = await restrictedWorkbench();
    const prompt = "Print six times seven";
    await openFile(page, "analysis.py");
    await runCommand(page, "AgentCode: Generate Python");
    await answerInputBox(page, "AgentCode: Generate Python", prompt);

    // The code arrives in the panel, and the user is told why it did not run.
    const idle = 'section.cell[data-run="idle"]';
    const panel = await pollUntil(
      "the panel to show the generated cell, not run",
      async () => {
        await failOnVisibleError(page);
        return findWebviewFrame(page, idle);
      },
      { timeoutMs: 360_000, intervalMs: 1000 },
    );
    const cell = panel.locator("section.cell").first();
    await pollUntil(
      "the Restricted Mode notice",
      async () => (await notificationMessages(page)).some((m) => m.includes(restricted)),
      { timeoutMs: 30_000 },
    );
    const shot = await screenshot("2-generated-not-run");
    t.diagnostic(`panel screenshot: ${shot}`);
    // At the moment the notice is shown the cell has neither run nor started: no output, no run record.
    assert.equal(await cell.getAttribute("data-run"), "idle");
    await cell.locator(".cm-content .cm-line").first().waitFor(); // the code editor chunk has loaded
    assert.equal((await cell.locator(".cm-content .cm-line").allTextContents()).join("\n").trim(), generated);
    assert.equal(await cell.locator("pre.stdout").count() === 0 ? "" : await cell.locator("pre.stdout").innerText(), "");
    assert.deepEqual(records().filter((r) => r.event === "run"), [], "no run was recorded before the user asked");

    // The workspace's endpoint was ignored: the prompt went to the user's endpoint with the environment key.
    assert.equal(workspaceServer.requests.length, 0, "nothing reached the workspace's server");
    assert.equal(await dialog(page, "This workspace points AgentCode at").count(), 0, "no Allow/Deny question for an ignored endpoint");
    assert.equal(userServer.requests.length, 1, "one model call, to the user's endpoint");
    assert.equal(userServer.requests[0].headers.authorization, `Bearer ${environmentKey}`);
    assert.ok(userServer.requests[0].body.includes(prompt), "the prompt reached the user's server");

    // The user's click runs it, once.
    await cell.locator('button[data-action="run"]:not([disabled])').click({ timeout: 300_000 });
    await panel.locator('section.cell[data-run="ok"]').first().waitFor({ timeout: 300_000 });
    assert.equal(await cell.locator("pre.stdout").innerText(), "generated 42\n");
    const runs = await pollUntil("the run record of the clicked run", () => {
      const found = records().filter((r) => r.event === "run" && r.prompt === prompt);
      return found.length > 0 ? found : null;
    }, { timeoutMs: 30_000 });
    assert.equal(runs.length, 1, "the code ran once, when the user clicked Run");
    await screenshot("3-run-after-click");
    assert.ok(!fs.existsSync(marker), `the workspace's server.path script ran: ${fs.existsSync(marker) ? fs.readFileSync(marker, "utf8") : ""}`);
  });
});

test("In Restricted Mode, Run File asks in a modal first and Cancel runs nothing; Run Cell asks too and runs after Run in Sandbox", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = await restrictedWorkbench();
    await runCommand(page, "Notifications: Clear All Notifications");
    const runsBefore = records().filter((r) => r.event === "run").length;

    await openFile(page, "analysis.py");
    await runCommand(page, "AgentCode: Run File in Sandbox");
    const fileQuestion = dialog(page, `${restricted} Run analysis.py in the sandbox anyway?`);
    await fileQuestion.waitFor({ timeout: 60_000 });
    const shot = await screenshot("4-run-file-asks");
    t.diagnostic(`modal screenshot: ${shot}`);
    const buttons = (await fileQuestion.locator(".monaco-button").allInnerTexts()).map((b) => b.trim());
    assert.ok(buttons.includes("Run in Sandbox") && buttons.includes("Manage Workspace Trust") && buttons.includes("Cancel"), `buttons: ${buttons}`);
    await fileQuestion.locator(".monaco-button", { hasText: /^Cancel$/ }).click();
    await fileQuestion.waitFor({ state: "hidden", timeout: 30_000 });

    // Run Cell on the second cell of cells.py: the same question, with the cell named.
    await openFile(page, "cells.py");
    await page.keyboard.press("Control+End");
    await runCommand(page, "AgentCode: Run Cell in Sandbox");
    const cellQuestion = dialog(page, `${restricted} Run the cell at line 4 of cells.py in the sandbox anyway?`);
    await cellQuestion.waitFor({ timeout: 60_000 });
    await screenshot("5-run-cell-asks");
    await cellQuestion.locator(".monaco-button", { hasText: /^Run in Sandbox$/ }).click();

    const summary = await pollUntil(
      "the run summary of the cell",
      async () => {
        await failOnVisibleError(page);
        return (await notificationMessages(page)).find((m) => m.includes("the cell at line 4 of cells.py ran in"));
      },
      { timeoutMs: 300_000, intervalMs: 500 },
    );
    await screenshot("6-run-cell-ran");
    assert.match(summary, /the cell at line 4 of cells\.py ran in .*: 1 line of output/, summary);
    const runs = records().filter((r) => r.event === "run").slice(runsBefore);
    assert.deepEqual(runs.map((r) => r.prompt), ["Run the cell at line 4 of cells.py"], "only the confirmed run happened; the cancelled Run File ran nothing");
    assert.equal(runs[0].outputs?.stdout, "second cell ran\n");
    const shown = await notificationMessages(page);
    assert.ok(!shown.some((m) => m.includes("analysis.py")), `a notification speaks of analysis.py: ${shown.join(" | ")}`);
    assert.ok(!fs.existsSync(marker), "the workspace's server.path script never ran");
  });
});
