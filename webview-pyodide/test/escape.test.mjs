// Escape corpus: Python in the panel tries to reach the network, eval, and the host, directly and through what it
// displays (charts, HTML, Markdown, names). Listeners on other 127.0.0.1 ports must receive zero connections;
// forged messages must never reach the host as decisions; markup in any field must stay text.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { createServer as createHttpServer } from "node:http";
import { chartsSettled, openPanel, runInPanel, usePanelSuite, bootDeadlineMs, waitInPage } from "./harness.mjs";

let listener;
let connections = 0;
let port = 0;
// A real HTTP server on another loopback port, for what displayed outputs might try to load.
let web;
const webRequests = [];
let webPort = 0;

before(async () => {
  listener = createServer((socket) => { connections++; socket.destroy(); });
  await new Promise((resolve) => listener.listen(0, "127.0.0.1", resolve));
  port = listener.address().port;
  web = createHttpServer((req, res) => {
    webRequests.push(req.url);
    res.writeHead(200, { "content-type": "text/csv", "access-control-allow-origin": "*" }).end("region,amount\nleak,1\n");
  });
  await new Promise((resolve) => web.listen(0, "127.0.0.1", resolve));
  webPort = web.address().port;
});

after(async () => {
  await new Promise((resolve) => listener.close(resolve));
  web.closeAllConnections();
  await new Promise((resolve) => web.close(resolve));
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
  await waitInPage(suite.page, () => window.__hostMessages.filter((m) => m.type === "webview/error" && m.message.includes("connect-src")).length >= 2, null, { timeout: 60000 });
  assert.equal(connections, 0);
});

test("a chart whose data.url points at a loopback listener gets a clear error in the cell, and the listener sees no request", async () => {
  const url = `http://127.0.0.1:${webPort}/sales.csv`;
  const code = [
    "spec = {",
    `    "data": {"url": "${url}"},`,
    '    "mark": "bar",',
    '    "encoding": {"x": {"field": "region", "type": "nominal"}, "y": {"field": "amount", "type": "quantitative"}},',
    "}",
    'display({"application/vnd.vegalite.v5+json": spec}, raw=True)',
    'spec["data"] = {"url": "//127.0.0.1:%d/relative.csv" % ' + webPort + "}",
    'display({"application/vnd.vegalite.v6+json": spec}, raw=True)',
  ].join("\n");
  const run = await runInPanel(suite.page, code);
  assert.deepEqual(await chartsSettled(suite.page, run.id), ["failed", "failed"]);
  const errors = await run.cell.locator(".chart-error").allTextContents();
  assert.equal(errors[0], `The chart could not be drawn: The chart loads '${url}', and charts get no network. Put the rows in data.values, or read a /data file the cell has as data.url "/data/NAME".`);
  assert.match(errors[1], /The chart loads '\/\/127\.0\.0\.1:\d+\/relative\.csv', and charts get no network/);
  assert.equal(await run.cell.locator("svg .mark-rect path").count(), 0);
  assert.deepEqual(webRequests, []);
});

test("a chart spec cannot change how it is embedded: usermeta.embedOptions adds no actions, links or eval", async () => {
  const errorsBefore = await suite.page.evaluate(() => window.__hostMessages.filter((m) => m.type === "webview/error").length);
  const code = [
    "spec = {",
    '    "data": {"values": [{"x": "a", "y": 1}]},',
    '    "mark": "bar",',
    '    "encoding": {"x": {"field": "x", "type": "nominal"}, "y": {"field": "y", "type": "quantitative"}},',
    `    "usermeta": {"embedOptions": {"actions": True, "ast": False, "defaultStyle": True, "renderer": "canvas", "editorUrl": "http://127.0.0.1:${webPort}/editor", "loader": {"baseURL": "http://127.0.0.1:${webPort}/"}}},`,
    "}",
    'display({"application/vnd.vegalite.v6+json": spec}, raw=True)',
  ].join("\n");
  const run = await runInPanel(suite.page, code);
  assert.deepEqual(await chartsSettled(suite.page, run.id), ["drawn"]);
  assert.equal(await run.cell.locator("svg .mark-rect path").count(), 1);
  assert.equal(await run.cell.locator("canvas, details, .vega-actions, a").count(), 0);
  const errors = await suite.page.evaluate(() => window.__hostMessages.filter((m) => m.type === "webview/error").map((m) => m.message));
  assert.deepEqual(errors.slice(errorsBefore), []);
  assert.deepEqual(webRequests, []);
});

test("markup in every field the panel shows renders as text: prompt, code, findings, error, streams, output names, outputs, chart errors", async () => {
  const mark = (where) => `<img src=x onerror="document.title='pwned-${where}'"><i class="pwned">${where}</i>`;
  const code = [
    `import sys`,
    `print(${JSON.stringify(mark("stdout"))})`,
    `sys.stderr.write(${JSON.stringify(mark("stderr"))})`,
    `open('/output/' + ${JSON.stringify(mark("name").replace(/\//g, "_"))} + '.txt', 'w').write(${JSON.stringify(mark("file"))})`,
    `display({"text/plain": ${JSON.stringify(mark("text"))}}, raw=True)`,
    `display({"application/json": {"k": ${JSON.stringify(mark("json"))}}}, raw=True)`,
    `display({"application/vnd.vegalite.v5+json": {"data": {"url": ${JSON.stringify(mark("chart"))}}, "mark": "bar"}}, raw=True)`,
    `display({"application/vnd.vegalite.v5+json": {"mark": ${JSON.stringify(mark("spec"))}}}, raw=True)`,
    `raise ValueError(${JSON.stringify(mark("error"))})`,
    `# ${mark("code")}`,
  ].join("\n");
  const id = "markup";
  await suite.page.evaluate((m) => window.__sendToPanel(m), {
    type: "cell/add", id, prompt: mark("prompt"), code, dataFiles: [],
    findings: [{ ruleId: mark("rule"), severity: "warning", message: mark("finding"), line: 0 }],
  });
  const cell = suite.page.locator(`section.cell[data-cell-id="${id}"]`);
  await cell.locator('button[data-action="run"]:not([disabled])').click({ timeout: bootDeadlineMs });
  await suite.page.waitForSelector(`section.cell[data-cell-id="${id}"]:is([data-run="error"],[data-run="ok"],[data-run="failed"],[data-run="stopped"])`, { timeout: 120000 });
  assert.equal(await cell.getAttribute("data-run"), "error");
  assert.deepEqual(await chartsSettled(suite.page, id), ["failed", "failed"]);
  const text = await cell.textContent();
  for (const where of ["prompt", "code", "rule", "finding", "stdout", "stderr", "file", "text", "json", "chart", "error"]) {
    assert.ok(text.includes(`<i class="pwned">${where}</i>`) || text.includes(`<i class=\\"pwned\\">${where}</i>`), `${where} is not shown as text`);
  }
  assert.ok(text.includes('class="pwned">name<'), "the output name is shown as text");
  assert.match(await cell.locator(".chart-error").nth(1).textContent(), /The chart could not be drawn: /);
  assert.equal(await suite.page.locator(".pwned").count(), 0);
  assert.equal(await cell.locator("img").count(), 0);
  assert.doesNotMatch(await suite.page.title(), /pwned/);
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

test("HTML output reaches nothing: its images, styles, frames, scripts, forms, links and a refresh make no request", async () => {
  const base = `http://127.0.0.1:${webPort}`;
  const html = [
    `<img src="${base}/img.png">`,
    `<link rel="stylesheet" href="${base}/style.css">`,
    `<div style="background:url(${base}/bg.png)">styled</div>`,
    `<iframe src="${base}/frame.html"></iframe>`,
    `<script src="${base}/script.js"></script>`,
    `<script>fetch("${base}/fetch")</script>`,
    `<form action="${base}/form" method="post"><input name="q" value="1"><button id="submit">send</button></form>`,
    `<a id="link" href="${base}/link">link</a>`,
  ].join("");
  const refresh = `<meta http-equiv="refresh" content="0; url=${base}/refresh">refreshing`;
  const run = await runInPanel(suite.page, `from IPython.display import HTML\ndisplay(HTML(${JSON.stringify(html)}), HTML(${JSON.stringify(refresh)}))`);
  const frames = run.cell.locator("iframe.output-html");
  assert.deepEqual(await frames.evaluateAll((fs) => fs.map((f) => f.getAttribute("sandbox"))), ["", ""]);
  // Once each frame has loaded, every image, style sheet, frame and script in it has been tried.
  const frame = await (await frames.first().elementHandle()).contentFrame();
  await frame.waitForLoadState("load");
  await (await (await frames.nth(1).elementHandle()).contentFrame()).waitForLoadState("load");
  assert.equal(await frames.first().evaluate((f) => f.contentDocument), null, "the frame has an opaque origin");
  // Submitting the form (no allow-forms) does nothing; following the link navigates the frame, which the panel's
  // frame-src 'none' blocks before any request. This test runs last: headless Chromium can route later clicks in
  // the page to the blocked frame's error page (seen with the page scrolled), so other tests' clicks would be lost.
  await frame.locator("#submit").click();
  const blocked = suite.page.waitForEvent("framenavigated", (f) => f === frame && f.url().startsWith("chrome-error:"));
  await frame.locator("#link").click();
  await blocked;
  assert.deepEqual(webRequests, []);
});
