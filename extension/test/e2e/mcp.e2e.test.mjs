// End to end in code-server: an agent's call of the agentcode_runPython language-model tool, and the MCP server
// definition. A test-only extension (agent-extension/, packaged here with vsce) plays the agent: its command calls
// vscode.lm.invokeTool("agentcode_runPython", {code}) outside a chat, so VS Code shows the tool's confirmation
// (the capability summary) in a modal; after a real click the cell appears in the AgentCode Sandbox panel, runs in
// Pyodide, and the tool result the agent gets carries its stdout. Then "MCP: List Servers" lists the server
// definition the extension provides. Screenshots of both go with the failure artifacts, or to
// AGENTCODE_E2E_SCREENSHOTS when set.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createVSIX } from "@vscode/vsce";
import { pollUntil, quietWorkbench, startCodeServer, stopPolling, withArtifacts } from "./code_server.mjs";
import { newestVsix } from "../../scripts/verify-vsix.mjs";
import { failOnVisibleError, findWebviewFrame, launchBrowser, openFile, openWorkbench, runCommand } from "./workbench.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionDir = path.resolve(here, "..", "..");
const agentCode = 'import json\nprint("from the agent", json.dumps(6 * 7))\n';
const agentPrompt = "Sent by an agent (agentcode_runPython)";

let codeServer;
let browser;
let workspace;
let shots;

before(async () => {
  shots = process.env.AGENTCODE_E2E_SCREENSHOTS ?? fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-e2e-mcp-shots-"));
  fs.mkdirSync(shots, { recursive: true });
  const agentVsix = path.join(shots, "agentcode-e2e-agent.vsix");
  await createVSIX({ cwd: path.join(here, "agent-extension"), packagePath: agentVsix, allowMissingRepository: true, skipLicense: true, dependencies: false });
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-e2e-mcp-workspace-"));
  fs.writeFileSync(path.join(workspace, "agent.py"), agentCode);
  codeServer = await startCodeServer({
    vsix: [process.env.AGENTCODE_VSIX ?? newestVsix(extensionDir), agentVsix],
    settings: {
      "security.workspace.trust.enabled": false,
      ...quietWorkbench,
      // The language-model tool and the MCP server list are AI features: left on here.
      "chat.disableAIFeatures": false,
      ...JSON.parse(process.env.AGENTCODE_E2E_SETTINGS ?? "{}"),
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await codeServer?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

/** What a failure of a scenario here leaves for inspection (withArtifacts). */
const scene = () => ({ page: browser?.page, codeServer, workspace });

let workbenchOpen = false;
async function workbench() {
  if (!workbenchOpen) {
    await openWorkbench(browser.page, codeServer.url, workspace);
    workbenchOpen = true;
  }
  return browser.page;
}

test("an agent's agentcode_runPython call is confirmed with the capability summary, runs as a panel cell in Pyodide, and returns its stdout", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = await workbench();
    // The server checks the agent's program for the confirmation: wait until it is up and its sandbox prepared (a
    // first call while it still prepares shows "not checked"; the cell then gets the summary later).
    await openFile(page, "agent.py");
    await page.locator(".statusbar-item:has(.codicon-check)", { hasText: "AgentCode" }).first().waitFor({ timeout: 300_000 });
    await runCommand(page, "AgentCode E2E: Invoke agentcode_runPython");

    const dialog = page.locator(".monaco-dialog-box", { hasText: "Run the agent's Python in the AgentCode Sandbox?" });
    await pollUntil(
      "the tool's confirmation dialog",
      async () => {
        await failOnVisibleError(page);
        const result = path.join(workspace, "tool-result.json");
        if (fs.existsSync(result)) throw stopPolling(`the tool answered without asking: ${fs.readFileSync(result, "utf8")}`);
        return dialog.isVisible();
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const text = await dialog.innerText();
    assert.match(text, /Pyodide/);
    assert.match(text, /no network/);
    assert.match(text, /from the agent/, "the dialog shows the code");
    assert.match(text, /This program:(\*\*)? Reads no \/data files · writes nothing to \/output · imports json · no findings/, "the dialog shows the server's check of this program");
    await page.screenshot({ path: path.join(shots, "tool-confirmation.png") });
    // The confirm dialog's buttons are the primary one ("Yes") and Cancel, in an order that depends on the platform.
    const buttons = dialog.locator(".dialog-buttons .monaco-button");
    t.diagnostic(`dialog buttons: ${JSON.stringify(await buttons.allInnerTexts())}`);
    await buttons.filter({ hasNotText: /^\s*Cancel\s*$/ }).first().click();

    const finished = 'section.cell[data-run="ok"], section.cell[data-run="error"], section.cell[data-run="failed"]';
    const panel = await pollUntil(
      "the panel to show the agent's cell finished",
      async () => {
        await failOnVisibleError(page);
        return findWebviewFrame(page, finished);
      },
      { timeoutMs: 300_000, intervalMs: 1000 },
    );
    const cell = panel.locator(finished).first();
    assert.equal(await cell.getAttribute("data-run"), "ok");
    assert.equal(await cell.locator(".prompt").innerText(), agentPrompt);
    assert.match(await cell.locator("pre.stdout").innerText(), /^from the agent 42$/m);
    assert.ok(await cell.locator('button[data-action="accept"]').count(), "the agent's cell has Accept like generated code");
    assert.equal((await cell.locator(".capabilities").innerText()).trim(), "Reads no /data files · writes nothing to /output · imports json · no findings");

    const result = await pollUntil(
      "the agent to write the tool result",
      () => {
        const file = path.join(workspace, "tool-result.json");
        return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : null;
      },
      { timeoutMs: 60_000 },
    );
    assert.equal(result.error, undefined, result.error);
    assert.ok(result.tools.includes("agentcode_runPython"), JSON.stringify(result.tools));
    const toolText = result.parts.map((p) => p.text ?? "").join("\n");
    assert.match(toolText, /^status: ok/);
    assert.match(toolText, /--- stdout ---\nfrom the agent 42/);
    await page.screenshot({ path: path.join(shots, "tool-cell-in-panel.png") });

    const records = await pollUntil(
      ".agentcode/runs.jsonl to record the agent's run",
      () => {
        const log = path.join(workspace, ".agentcode", "runs.jsonl");
        const lines = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
        return lines.find((r) => r.event === "run" && r.prompt === agentPrompt) ?? null;
      },
      { timeoutMs: 30_000 },
    );
    assert.match(records.outputs.stdout, /from the agent 42/);
  });
});

test("the AgentCode MCP server definition is listed by MCP: List Servers", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = await workbench();
    await runCommand(page, "MCP: List Servers");
    const row = page.locator(".quick-input-list .monaco-list-row", { hasText: "AgentCode Python sandbox" });
    await row.first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(shots, "mcp-list-servers.png") });
    t.diagnostic(`screenshots: ${shots}`);
    await page.keyboard.press("Escape");
  });
});
