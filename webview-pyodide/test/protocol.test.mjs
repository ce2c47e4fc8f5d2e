// Node-level checks of the typed boundaries: validators, the CSP of renderPanelHtml, and that
// docs/webview.md names every panel message (the document is kept honest by this test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));

async function load(entry) {
  const out = await build({ entryPoints: [join(here, "..", entry)], bundle: true, format: "esm", platform: "node", write: false, logLevel: "warning" });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);
}

const protocol = await load("src/protocol.ts");
const workerProtocol = await load("src/worker_protocol.ts");
const html = await load("src/html.ts");

test("host messages are validated and bad ones come back as errors", () => {
  const good = { type: "cell/add", id: "a", prompt: "p", code: "1", findings: [{ ruleId: "R1", severity: "warning", message: "m", line: 0 }], dataFiles: [{ name: "x.csv", base64: "YQ==" }] };
  assert.deepEqual(protocol.parseHostMessage(good), { ok: true, value: good });
  for (const bad of [null, 5, {}, { type: "cell/add", id: "a" }, { type: "cell/run" }, { type: "nope", id: "a" },
    { ...good, dataFiles: [{ name: "../etc/passwd", base64: "" }] }, { ...good, findings: [{ ruleId: "R", severity: "fatal", message: "" }] }]) {
    assert.equal(protocol.parseHostMessage(bad).ok, false, JSON.stringify(bad));
  }
});

test("page messages are validated", () => {
  assert.equal(protocol.parsePageMessage({ type: "cell/accept", id: "a", code: "x" }).ok, true);
  assert.equal(protocol.parsePageMessage({ type: "cell/fix", id: "a" }).ok, false);
  assert.equal(protocol.parsePageMessage({ type: "cell/result", id: "a", summary: { status: "ok" } }).ok, false);
});

test("worker messages that do not match the worker protocol are rejected", () => {
  assert.equal(workerProtocol.parseWorkerMessage({ type: "cell/accept", id: "v", code: "evil" }).ok, false);
  assert.equal(workerProtocol.parseWorkerMessage({ type: "done", runId: 1, result: {} }).ok, false);
  assert.equal(workerProtocol.parseWorkerMessage({ type: "stream", runId: 1, stream: "stdout", text: "a" }).ok, true);
});

test("the panel CSP is strict: no unsafe-eval, wasm allowed, blob workers, nonce'd scripts", () => {
  const page = html.renderPanelHtml({ cspSource: "https://x.example", nonce: "abc123", scriptUri: "s.js", styleUri: "s.css", assetsBaseUri: "https://x.example/dist/" });
  const csp = /content="([^"]+)"/.exec(page)[1];
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123' 'wasm-unsafe-eval' https:\/\/x\.example/);
  assert.match(csp, /worker-src blob:/);
  assert.match(csp, /connect-src https:\/\/x\.example(;|$)/);
  assert.doesNotMatch(csp, /'unsafe-eval'|'unsafe-inline'/);
  assert.match(page, /data-assets="https:\/\/x\.example\/dist"/);
  assert.throws(() => html.renderPanelHtml({ cspSource: "x; script-src *", nonce: "a", scriptUri: "", styleUri: "", assetsBaseUri: "" }));
});

test("the CSP accepts code-server's source list and refuses one that would inject a directive", () => {
  const page = html.renderPanelHtml({ cspSource: "'self' https://*.vscode-cdn.net", nonce: "n1", scriptUri: "s.js", styleUri: "s.css", assetsBaseUri: "https://x/dist" });
  assert.match(page, /connect-src 'self' https:\/\/\*\.vscode-cdn\.net;/);
  for (const bad of ["'self'; script-src *", "'unsafe-eval'", "https://a.example\"", "", "https://a.example\nscript-src *"]) {
    assert.throws(() => html.panelCsp(bad, "n1"), /cspSource/, bad);
  }
});

test("docs/webview.md names every panel message", async () => {
  const doc = await readFile(join(here, "..", "..", "docs", "webview.md"), "utf8");
  for (const type of [...protocol.hostMessageTypes, ...protocol.pageMessageTypes]) assert.ok(doc.includes(`\`${type}`), `docs/webview.md does not mention ${type}`);
});
