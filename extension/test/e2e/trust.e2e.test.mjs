// End to end in code-server with Workspace Trust on: a cloned repository cannot take the user's API key or
// choose what runs on the host. The workspace's .vscode/settings.json points agentcode.llm.baseUrl at a second
// loopback OpenAI-compatible server and agentcode.server.path / server.dotnetPath at a script in the workspace
// that would write a marker file. The folder is trusted through VS Code's own prompt, a key is stored for the
// user's endpoint (the first server) with "AgentCode: Set API Key", and AGENTCODE_API_KEY is set too. Generate
// shows the modal before anything is sent; after Allow the user is asked for the second origin's key and the
// prompt goes there with that key only; after "Reset Workspace Endpoint Decisions" and Deny the prompt goes to the
// user's endpoint with its own key. The marker never appears. Screenshots of the prompts are kept in
// .artifacts/e2e-trust/ at the repository root (git-ignored); on failure the logs are copied next to them.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { pollUntil, withArtifacts } from "./code_server.mjs";
import { codeReply } from "./openai_server.mjs";
import { startTrustScene } from "./trust_scene.mjs";
import { answerInputBox, failOnVisibleError, inputBox, notificationMessages, openFile, openWorkbench, runCommand } from "./workbench.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionDir = path.resolve(here, "..", "..");
const artifacts = path.resolve(extensionDir, "..", ".artifacts", "e2e-trust");
const storedKey = "sk-user-stored-51c0";
const environmentKey = "sk-user-env-9d2e";
const workspaceKey = "sk-workspace-origin-77ab";
const code = 'print("total", sum([3, 4, 5]))';

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
    name: "trusted",
    extensionDir,
    environmentKey,
    userReplies: [],
    workspaceReplies: [codeReply(code)],
    workspaceSettings: {},
    settings: {},
    files: { "analysis.py": "# analysis\n" },
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

/** What a failure of a scenario here leaves for inspection (withArtifacts). */
const scene = () => ({ page: browser?.page, codeServer, workspace, dir: artifacts });

/** The dialog (modal) whose text contains `text`. */
function dialog(page, text) {
  return page.locator(".monaco-dialog-box", { hasText: text });
}

function origin(baseUrl) {
  return new URL(baseUrl).origin;
}

/** Every header value and the body of each request, to search for a key. */
function sentText(requests) {
  return requests.map((r) => `${JSON.stringify(r.headers)}\n${r.body}`).join("\n");
}

/** The run record's generate line for `prompt`, once it is written. */
async function generateRecord(prompt) {
  return pollUntil(
    `.agentcode/runs.jsonl to record the generation of "${prompt}"`,
    async () => {
      await failOnVisibleError(browser.page);
      const log = path.join(workspace, ".agentcode", "runs.jsonl");
      const lines = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
      return lines.map((l) => JSON.parse(l)).find((r) => r.event === "generate" && r.prompt === prompt);
    },
    { timeoutMs: 300_000, intervalMs: 1000 },
  );
}

let ready = false;

/** Opens the folder, trusts it through VS Code's startup prompt, and stores a key for the user's endpoint. */
async function trustedWorkbench() {
  const page = browser.page;
  if (ready) return page;
  await openWorkbench(page, codeServer.url, workspace);
  const trustPrompt = dialog(page, "trust the authors");
  await trustPrompt.waitFor({ timeout: 120_000 });
  await screenshot("1-workspace-trust-prompt");
  await trustPrompt.locator(".monaco-button", { hasText: "Yes, I trust the authors" }).click();
  await trustPrompt.waitFor({ state: "hidden", timeout: 30_000 });

  await runCommand(page, "AgentCode: Set API Key");
  await answerInputBox(page, `AgentCode: Set API Key for ${origin(userServer.baseUrl)}`, storedKey);
  await pollUntil(
    "the key to be saved for the user's endpoint",
    async () => (await notificationMessages(page)).some((m) => m.includes(`API key for ${origin(userServer.baseUrl)} saved`)),
    { timeoutMs: 30_000 },
  );
  ready = true;
  return page;
}

test("A workspace's endpoint gets no prompt and no key before the user allows it, then only its own key", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = await trustedWorkbench();
    const prompt = "Print the total of 3, 4 and 5";
    await openFile(page, "analysis.py");
    await runCommand(page, "AgentCode: Generate Python");
    await answerInputBox(page, "AgentCode: Generate Python", prompt);

    const question = `This workspace points AgentCode at ${origin(workspaceServer.baseUrl)}. Send prompts (and your key for it, if you set one) there?`;
    const modal = dialog(page, question);
    await modal.waitFor({ timeout: 120_000 });
    const shot = await screenshot("2-workspace-endpoint-modal");
    t.diagnostic(`modal screenshot: ${shot}`);
    assert.equal(workspaceServer.requests.length, 0, "nothing reached the workspace's server before the answer");
    assert.equal(userServer.requests.length, 0, "nor the user's server");

    await modal.locator(".monaco-button", { hasText: /^Allow$/ }).click();
    const keyBox = inputBox(page, `AgentCode: Set API key for ${origin(workspaceServer.baseUrl)}`);
    await keyBox.waitFor({ timeout: 30_000 });
    await screenshot("3-key-for-workspace-origin");
    assert.equal(workspaceServer.requests.length, 0, "still nothing sent while the key is asked for");
    await answerInputBox(page, `AgentCode: Set API key for ${origin(workspaceServer.baseUrl)}`, workspaceKey);

    const record = await generateRecord(prompt);
    assert.equal(record.endpoint, origin(workspaceServer.baseUrl), "the run record names the origin");
    assert.doesNotMatch(fs.readFileSync(path.join(workspace, ".agentcode", "runs.jsonl"), "utf8"), /sk-/, "and never a key");
    assert.equal(workspaceServer.requests.length, 1, "one model call, to the allowed workspace endpoint");
    const request = workspaceServer.requests[0];
    assert.equal(request.headers.authorization, `Bearer ${workspaceKey}`);
    assert.ok(request.body.includes(prompt), "the prompt reached the workspace's server");
    const sent = sentText(workspaceServer.requests);
    assert.ok(!sent.includes(storedKey), "the user's stored key never went to the workspace's server");
    assert.ok(!sent.includes(environmentKey), "nor the environment's key");
    assert.equal(userServer.requests.length, 0);
    assert.ok(!fs.existsSync(marker), `the workspace's server.path script ran: ${fs.existsSync(marker) ? fs.readFileSync(marker, "utf8") : ""}`);
  });
});

test("After the decisions are reset, Deny sends the prompt to the user's own endpoint with its own key", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = await trustedWorkbench();
    const prompt = "Print the total once more";
    userServer.enqueue(codeReply(code));
    const workspaceRequests = workspaceServer.requests.length;
    await runCommand(page, "AgentCode: Reset Workspace Endpoint Decisions");
    await pollUntil(
      "the reset to be confirmed",
      async () => (await notificationMessages(page)).some((m) => m.includes("the next Generate asks again")),
      { timeoutMs: 30_000 },
    );

    await openFile(page, "analysis.py");
    await runCommand(page, "AgentCode: Generate Python");
    await answerInputBox(page, "AgentCode: Generate Python", prompt);
    const modal = dialog(page, `This workspace points AgentCode at ${origin(workspaceServer.baseUrl)}`);
    await modal.waitFor({ timeout: 120_000 });
    await modal.locator(".monaco-button", { hasText: /^Deny$/ }).click();

    const record = await generateRecord(prompt);
    assert.equal(record.endpoint, origin(userServer.baseUrl));
    assert.equal(userServer.requests.length, 1, "one model call, to the user's endpoint");
    assert.equal(userServer.requests[0].headers.authorization, `Bearer ${storedKey}`, "the key stored for that origin");
    assert.equal(workspaceServer.requests.length, workspaceRequests, "nothing more went to the denied workspace endpoint");
    assert.ok(
      (await notificationMessages(page)).some((m) => m.includes(`prompts go to your own endpoint, ${origin(userServer.baseUrl)}`)),
      "the user is told where prompts go instead",
    );
    assert.ok(!fs.existsSync(marker), "the workspace's server.path script never ran");
  });
});
