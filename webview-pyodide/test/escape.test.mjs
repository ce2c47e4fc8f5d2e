// Escape corpus: Python in the panel tries to reach the network, eval, and the host. A listener on another
// 127.0.0.1 port must receive zero connections; forged messages must never reach the host as decisions.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { openPanel, runInPanel, usePanelSuite, bootDeadlineMs } from "./harness.mjs";

let listener;
let connections = 0;
let port = 0;

before(async () => {
  listener = createServer((socket) => { connections++; socket.destroy(); });
  await new Promise((resolve) => listener.listen(0, "127.0.0.1", resolve));
  port = listener.address().port;
});

after(async () => {
  await new Promise((resolve) => listener.close(resolve));
});

const suite = usePanelSuite();

test("fetch, XHR, WebSocket, urllib and sockets from Python reach nothing on another local port", async () => {
  const target = `http://127.0.0.1:${port}/steal`;
  const code = [
    "import js, socket, urllib.request",
    "from pyodide.ffi import to_js",
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
    "import pyodide.http",
    `attempt('open_url', lambda: pyodide.http.open_url('${target}'))`,
    "print(' '.join(results))",
  ].join("\n");
  const run = await runInPanel(suite.page, code);
  const stdout = await run.text("pre.stdout");
  for (const name of ["xhr", "urllib", "import", "open_url"]) assert.match(stdout, new RegExp(`${name}:blocked`), stdout);
  // WebSocket and Emscripten's socket emulation (which uses WebSockets) fail asynchronously, not by raising;
  // for them the promise is the listener's zero count below.
  // Each blocked request is reported by the CSP; wait for the reports, then check the listener saw nothing.
  await suite.page.waitForFunction(() => window.__hostMessages.filter((m) => m.type === "webview/error" && m.message.includes("connect-src")).length >= 2, null, { timeout: 60000 });
  assert.equal(connections, 0);
});

test("eval and new Function are blocked by the policy", async () => {
  const code = [
    "import js",
    "for name, action in (('eval', lambda: js.eval('1')), ('Function', lambda: js.Function.new('return 1')())):",
    "    try:",
    "        action()",
    "        print(name, 'ran')",
    "    except Exception as e:",
    "        print(name, 'blocked', 'EvalError' in str(e))",
  ].join("\n");
  const run = await runInPanel(suite.page, code);
  assert.equal(await run.text("pre.stdout"), "eval blocked True\nFunction blocked True\n");
});

test("a forged cell/accept posted from Python never reaches the host, and the VS Code API is out of reach", async () => {
  const code = [
    "import js",
    "from pyodide.ffi import to_js",
    "from js import Object",
    "forged = to_js({'type': 'cell/accept', 'id': 'victim', 'code': 'evil()'}, dict_converter=Object.fromEntries)",
    "js.postMessage(forged)",
    "js.postMessage(to_js({'type': 'done', 'runId': 999999, 'result': {}}, dict_converter=Object.fromEntries))",
    "print(hasattr(js, 'acquireVsCodeApi'), hasattr(js, 'parent'), hasattr(js, 'document'))",
  ].join("\n");
  await suite.page.evaluate((m) => window.__sendToPanel(m), { type: "cell/add", id: "victim", prompt: "", code: "1", findings: [], dataFiles: [] });
  const run = await runInPanel(suite.page, code);
  assert.equal(await run.text("pre.stdout"), "False False False\n");
  const accepts = await suite.page.evaluate(() => window.__hostMessages.filter((m) => m.type === "cell/accept"));
  assert.deepEqual(accepts, []);
  assert.equal(await suite.page.locator('section[data-cell-id="victim"]').getAttribute("data-decision"), "none");
});

test("a synthetic click from page script does not post an accept", async () => {
  await suite.page.evaluate(() => document.querySelector('section[data-cell-id="victim"] button[data-action="accept"]').click());
  const accepts = await suite.page.evaluate(() => window.__hostMessages.filter((m) => m.type === "cell/accept"));
  assert.deepEqual(accepts, []);
});

test("state survives a reload of the page: outputs, decision and unsent feedback", async () => {
  const run = await runInPanel(suite.page, "print('remember me')");
  await run.cell.locator('button[data-action="reject"]').click();
  await suite.page.locator(`section.cell[data-cell-id="${run.id}"] textarea.feedback`).fill("not sent yet");
  await suite.page.reload();
  await suite.page.waitForSelector('#status[data-state="ready"]', { timeout: bootDeadlineMs });
  const restored = suite.page.locator(`section.cell[data-cell-id="${run.id}"]`);
  assert.equal(await restored.locator("pre.stdout").textContent(), "remember me\n");
  assert.equal(await restored.getAttribute("data-run"), "ok");
  assert.equal(await restored.getAttribute("data-decision"), "rejected");
  assert.equal(await restored.locator("textarea.feedback").inputValue(), "not sent yet");
});

test("a Pyodide load that never finishes is reported as webview/error after the timeout", async () => {
  const stalled = await openPanel(suite.browser.context, `${suite.harness.url}?assets=${encodeURIComponent(`${suite.harness.origin}/stall`)}&timeout=3000`, { waitReady: false });
  await stalled.waitForSelector('#status[data-state="failed"]', { timeout: 60000 });
  const errors = await stalled.evaluate(() => window.__hostMessages.filter((m) => m.type === "webview/error"));
  assert.ok(errors.some((m) => /did not start within/.test(m.message)), JSON.stringify(errors));
  await stalled.close();
});
