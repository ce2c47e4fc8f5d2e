// The panel's escape corpus once inside the real VS Code webview (code-server 4.139.1, the built .vsix), with one
// code-server start for the whole file. Markup goes in through every field the panel shows, by the real paths:
// the prompt typed into "AgentCode: Generate Python", a scripted OpenAI server on 127.0.0.1 whose first reply fails
// its trial run in the server's sandbox (stdout, stderr, an /output file name and the error message in the attempt
// history) and whose second reply runs in the panel (code, stdout, stderr, an output file's name and content,
// text/plain, text/markdown, text/html, application/json). Then the corpus program of
// webview-pyodide/test/escape.test.mjs (fetch, XHR, WebSocket, dynamic import, urllib and sockets to a loopback
// listener, eval and new Function, a forged cell/accept posted from the worker, HTML output that loads images,
// styles, frames, scripts and a refresh from a loopback web server, and an error message with markup) runs in the
// panel through "Run File in Sandbox" and "Open in Panel". Everything must stay text: no injected element in the
// webview's DOM, no canary global set, no connection to the listener and no request to the canary web server, no
// decision recorded. Screenshots are kept in .artifacts/e2e-escape/ at the repository root (git-ignored); on
// failure the logs are copied next to them.
import assert from "node:assert/strict";
import fs from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { pollUntil, quietWorkbench, startCodeServer, withArtifacts } from "./code_server.mjs";
import { codeReply, startOpenAiServer } from "./openai_server.mjs";
import { newestVsix } from "../../scripts/verify-vsix.mjs";
import { answerInputBox, failOnVisibleError, findWebviewFrame, launchBrowser, notificationMessages, openFile, openWorkbench, runCommand } from "./workbench.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionDir = path.resolve(here, "..", "..");
const artifacts = path.resolve(extensionDir, "..", ".artifacts", "e2e-escape");
const apiKey = "sk-e2e-escape-3c1d";

// A loopback listener that counts connections, and a loopback web server that records every request: the canaries
// that injected markup, displayed outputs and Python would reach if anything got out.
let listener;
let connections = 0;
let port = 0;
let web;
const webRequests = [];
let webBase = "";

/**
 * Markup for the field `where`: an image whose load fails into an onerror that sets a canary global, an element
 * with the class "pwned", and a script that sets the canary too; the image asks the canary web server first.
 */
const mark = (where) =>
  `<img src="${webBase}/img-${where}" onerror="window.__pwned='${where}'"><i class="pwned">${where}</i><script>window.__pwned='${where}-script'</script>`;
/** Markup that can be a file name (no slash). */
const nameMark = (where) => `<b class="pwned" onmouseover="window.__pwned='${where}'">${where}`;

let openai;
let codeServer;
let browser;
let workspace;

/** The first reply: its trial run in the server's sandbox fails, so its outputs and error stay in the attempt history. */
function failingAttempt() {
  return [
    "import sys",
    `print(${JSON.stringify(mark("attempt-stdout"))})`,
    `sys.stderr.write(${JSON.stringify(mark("attempt-stderr"))})`,
    `open('/output/' + ${JSON.stringify(nameMark("attempt-name"))} + '.txt', 'w').write('x')`,
    `raise ValueError(${JSON.stringify(mark("attempt-error"))})`,
  ].join("\n");
}

/** The second reply: passes the trial run and shows markup in every output type the panel draws. */
function passingAttempt() {
  const markdown = `# Report\n\n${mark("markdown")}\n\n[link](javascript:window.__pwned='markdown-link')\n\n![image](${webBase}/md-image.png)`;
  const html = `<p class="pwned">html</p><img src="${webBase}/html-img.png"><script>parent.__pwned='html';fetch('${webBase}/html-script')</script>`;
  return [
    `# ${mark("code")}`,
    "import sys",
    `print(${JSON.stringify(mark("stdout"))})`,
    `sys.stderr.write(${JSON.stringify(mark("stderr"))})`,
    `open('/output/' + ${JSON.stringify(nameMark("name"))} + '.txt', 'w').write(${JSON.stringify(mark("file"))})`,
    `display({"text/plain": ${JSON.stringify(mark("text"))}}, raw=True)`,
    `display({"text/markdown": ${JSON.stringify(markdown)}}, raw=True)`,
    `display({"text/html": ${JSON.stringify(html)}}, raw=True)`,
    `display({"application/json": {"k": ${JSON.stringify(mark("json"))}}}, raw=True)`,
  ].join("\n");
}

/** The escape corpus of webview-pyodide/test/escape.test.mjs as one program, for the panel's Pyodide. */
function corpusProgram() {
  const target = `http://127.0.0.1:${port}/steal`;
  const html = [
    `<img src="${webBase}/img.png">`,
    `<link rel="stylesheet" href="${webBase}/style.css">`,
    `<div style="background:url(${webBase}/bg.png)">styled</div>`,
    `<iframe src="${webBase}/frame.html"></iframe>`,
    `<script src="${webBase}/script.js"></script>`,
    `<script>fetch("${webBase}/fetch")</script>`,
    `<form action="${webBase}/form" method="post"><input name="q" value="1"><button id="submit">send</button></form>`,
    `<a id="link" href="${webBase}/link">link</a>`,
  ].join("");
  const refresh = `<meta http-equiv="refresh" content="0; url=${webBase}/refresh">refreshing`;
  return [
    "import js, socket, urllib.request",
    "import pyodide.http",
    "from pyodide.ffi import to_js",
    "from js import Object",
    "from IPython.display import HTML",
    "results = []",
    "def attempt(name, action):",
    "    try:",
    "        action()",
    "        results.append(name + ':no-error')",
    "    except BaseException as e:",
    "        results.append(name + ':blocked')",
    `js.fetch('${target}')`,
    `attempt('xhr', lambda: (lambda x: (x.open('GET', '${target}', False), x.send()))(js.XMLHttpRequest.new()))`,
    `attempt('ws', lambda: js.WebSocket.new('ws://127.0.0.1:${port}/'))`,
    `attempt('urllib', lambda: urllib.request.urlopen('${target}', timeout=2))`,
    `attempt('socket', lambda: socket.create_connection(('127.0.0.1', ${port}), timeout=2))`,
    `attempt('import', lambda: js.eval('import("${target}")'))`,
    `attempt('open_url', lambda: pyodide.http.open_url('${target}'))`,
    "attempt('eval', lambda: js.eval('1'))",
    "attempt('Function', lambda: js.Function.new('return 1')())",
    "print(' '.join(results))",
    "js.postMessage(to_js({'type': 'cell/accept', 'id': 'victim', 'code': 'evil()'}, dict_converter=Object.fromEntries))",
    "js.postMessage(to_js({'type': 'done', 'runId': 999999, 'result': {}}, dict_converter=Object.fromEntries))",
    "print('reach', hasattr(js, 'acquireVsCodeApi'), hasattr(js, 'parent'), hasattr(js, 'document'))",
    `display(HTML(${JSON.stringify(html)}), HTML(${JSON.stringify(refresh)}))`,
    `raise ValueError(${JSON.stringify(mark("panel-error"))})`,
  ].join("\n");
}

before(async () => {
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise((resolve) => listener.listen(0, "127.0.0.1", resolve));
  port = listener.address().port;
  web = createHttpServer((req, res) => {
    webRequests.push(req.url);
    res.writeHead(200, { "content-type": "text/plain", "access-control-allow-origin": "*" }).end("canary");
  });
  await new Promise((resolve) => web.listen(0, "127.0.0.1", resolve));
  webBase = `http://127.0.0.1:${web.address().port}`;

  openai = await startOpenAiServer({ replies: [codeReply(failingAttempt()), codeReply(passingAttempt())] });
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-e2e-escape-"));
  fs.writeFileSync(path.join(workspace, "analysis.py"), "# analysis\n");
  fs.writeFileSync(path.join(workspace, "escape_corpus.py"), `${corpusProgram()}\n`);
  codeServer = await startCodeServer({
    vsix: process.env.AGENTCODE_VSIX ?? newestVsix(extensionDir),
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
});

after(async () => {
  await browser?.close();
  await codeServer?.stop();
  await openai?.close();
  await new Promise((resolve) => listener?.close(resolve) ?? resolve());
  web?.closeAllConnections();
  await new Promise((resolve) => web?.close(resolve) ?? resolve());
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

async function screenshot(name) {
  const file = path.join(artifacts, `${name}.png`);
  await browser.page.screenshot({ path: file });
  return file;
}

/** What a failure of a scenario here leaves for inspection (withArtifacts), beside the scenario's screenshots. */
const scene = () => ({ page: browser?.page, codeServer, workspace, dir: artifacts });

function records() {
  const log = path.join(workspace, ".agentcode", "runs.jsonl");
  return fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
}

const finished = ':is([data-run="ok"],[data-run="error"],[data-run="failed"],[data-run="stopped"])';

/** Nothing injected in the panel's own document: no "pwned" element, no image, no canary global, the title untouched. */
async function assertNothingInjected(panel) {
  assert.equal(await panel.locator(".pwned").count(), 0, "an injected element exists in the panel");
  assert.equal(await panel.locator("section.cell img:not(.output-image)").count(), 0, "an injected image exists in the panel");
  assert.equal(await panel.evaluate(() => window.__pwned), undefined, "a canary global was set in the panel");
  assert.doesNotMatch(await panel.title(), /pwned/);
  assert.equal(await browser.page.evaluate(() => window.__pwned), undefined, "a canary global was set in the workbench");
}

let workbenchOpen = false;

async function workbench() {
  if (!workbenchOpen) {
    await openWorkbench(browser.page, codeServer.url, workspace);
    workbenchOpen = true;
  }
  return browser.page;
}

test("Markup in the prompt, the code, the attempt history and every output of a real generation shows as text in the VS Code panel", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = await workbench();
    const prompt = `Report ${mark("prompt")}`;
    await openFile(page, "analysis.py");
    await runCommand(page, "AgentCode: Generate Python");
    await answerInputBox(page, "AgentCode: Generate Python", prompt);

    const selector = `section.cell${finished}`;
    const panel = await pollUntil(
      "the panel to show the generated cell's finished run",
      async () => {
        await failOnVisibleError(page);
        return findWebviewFrame(page, selector);
      },
      { timeoutMs: 420_000, intervalMs: 1000 },
    );
    const cell = panel.locator(selector).first();
    const traceback = (await cell.locator("pre.traceback").allInnerTexts()).join("\n");
    assert.equal(await cell.getAttribute("data-run"), "ok", traceback);
    assert.equal(openai.requests.length, 2, "two model calls: the first attempt failed its trial run");

    // The attempt history opens by itself when an attempt failed. The cell is taller than the window: one picture
    // of the attempt history, one of the panel's own outputs.
    await cell.locator("details.attempts[open]").waitFor({ timeout: 10_000 });
    await cell.locator("details.attempts .attempt").first().scrollIntoViewIfNeeded();
    const shots = [await screenshot("1-attempt-history-as-text")];
    await cell.locator(".outputs").scrollIntoViewIfNeeded();
    shots.push(await screenshot("2-outputs-as-text"));
    t.diagnostic(`panel screenshots: ${shots.join(", ")}`);

    const text = await cell.textContent();
    const shown = (where) => text.includes(`<i class="pwned">${where}</i>`) || text.includes(`<i class=\\"pwned\\">${where}</i>`);
    for (const where of ["prompt", "code", "attempt-stdout", "attempt-stderr", "attempt-error", "stdout", "stderr", "file", "text", "markdown", "json"]) {
      assert.ok(shown(where), `${where} is not shown as text`);
    }
    assert.ok(text.includes('<b class="pwned" onmouseover="window.__pwned=\'name\'">name.txt'), "the output file's name is shown as text");
    assert.ok(text.includes('<b class="pwned" onmouseover="window.__pwned=\'attempt-name\'">attempt-name.txt'), "the attempt's output name is shown as text");
    assert.equal(await cell.locator(".output-markdown-body a[href^='javascript']").count(), 0, "no javascript: link from Markdown");

    // The HTML output is an opaque, script-less frame: its <p class="pwned"> lives there, not in the panel.
    const htmlFrame = cell.locator("iframe.output-html");
    assert.deepEqual(await htmlFrame.evaluateAll((fs) => fs.map((f) => f.getAttribute("sandbox"))), [""]);
    await (await (await htmlFrame.first().elementHandle()).contentFrame()).waitForLoadState("load");
    await assertNothingInjected(panel);
    assert.equal(connections, 0);
    assert.deepEqual(webRequests, [], "a canary URL was requested");
  });
});

test("The escape corpus run in the VS Code panel reaches no network, no eval and no host decision, and its error shows as text", async (t) => {
  await withArtifacts(t, scene(), async () => {
    const page = await workbench();
    const decisionsBefore = records().filter((r) => r.event === "decision").length;
    await runCommand(page, "Notifications: Clear All Notifications");
    await openFile(page, "escape_corpus.py");
    await runCommand(page, "AgentCode: Run File in Sandbox");
    // The server's sandbox has no `js` module: the run fails there, and "Open in Panel" runs it in Pyodide.
    const toast = page.locator(".notification-toast", { hasText: "escape_corpus.py failed" }).first();
    await toast.waitFor({ timeout: 300_000 });
    await toast.locator(".monaco-button", { hasText: "Open in Panel" }).click();

    const selector = `section.cell${finished}`;
    const panel = await pollUntil(
      "the panel to finish the corpus run",
      async () => {
        const frame = await findWebviewFrame(page, selector);
        if (frame === null) return null;
        const prompts = await frame.locator(`${selector} .prompt`).allInnerTexts();
        return prompts.some((p) => p.includes("escape_corpus.py")) ? frame : null;
      },
      { timeoutMs: 300_000, intervalMs: 1000 },
    );
    const cell = panel.locator(selector).filter({ has: panel.locator(".prompt", { hasText: "escape_corpus.py" }) }).first();
    assert.equal(await cell.getAttribute("data-run"), "error");
    const stdout = await cell.locator("pre.stdout").innerText();
    for (const name of ["xhr", "urllib", "import", "open_url", "eval", "Function"]) assert.match(stdout, new RegExp(`${name}:blocked`), stdout);
    assert.match(stdout, /^reach False False False$/m, "the worker has no VS Code API, parent or document");

    const frames = cell.locator("iframe.output-html");
    assert.deepEqual(await frames.evaluateAll((fs) => fs.map((f) => f.getAttribute("sandbox"))), ["", ""]);
    for (let i = 0; i < 2; i++) await (await (await frames.nth(i).elementHandle()).contentFrame()).waitForLoadState("load");
    await cell.locator("pre.stdout").scrollIntoViewIfNeeded();
    const shots = [await screenshot("3-escape-corpus-blocked")];
    await cell.locator("pre.traceback").scrollIntoViewIfNeeded();
    shots.push(await screenshot("4-escape-corpus-error-as-text"));
    t.diagnostic(`panel screenshots: ${shots.join(", ")}`);

    assert.ok((await cell.textContent()).includes('<i class="pwned">panel-error</i>'), "the error message is shown as text");
    await assertNothingInjected(panel);
    assert.equal(connections, 0, "Python reached the loopback listener");
    assert.deepEqual(webRequests, [], "an HTML output or injected markup reached the canary web server");
    // The forged cell/accept reached neither the host's Accept (it would ask where the code goes) nor the record.
    assert.equal(await page.locator(".quick-input-title", { hasText: "where should the accepted code go" }).count(), 0);
    assert.equal(records().filter((r) => r.event === "decision").length, decisionsBefore, "a decision was recorded");
    assert.equal(fs.readFileSync(path.join(workspace, "analysis.py"), "utf8"), "# analysis\n", "a file was changed");
    t.diagnostic(`notifications: ${JSON.stringify(await notificationMessages(page))}`);
  });
});
