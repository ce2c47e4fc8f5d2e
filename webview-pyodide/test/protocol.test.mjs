// Node-level checks of the typed boundaries: validators, the CSP of renderPanelHtml, and that
// docs/webview.md names every panel message and every test of its security table (the document is kept honest
// by these tests).
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
  // A cell without attempts is one the server did not generate.
  assert.deepEqual(protocol.parseHostMessage(good), { ok: true, value: { ...good, attempts: [], server: "none", capabilities: null } });
  for (const bad of [null, 5, {}, { type: "cell/add", id: "a" }, { type: "cell/run" }, { type: "nope", id: "a" },
    { ...good, dataFiles: [{ name: "../etc/passwd", base64: "" }] }, { ...good, findings: [{ ruleId: "R", severity: "fatal", message: "" }] }]) {
    assert.equal(protocol.parseHostMessage(bad).ok, false, JSON.stringify(bad));
  }
});

test("a cell's attempt history is validated and bounded", () => {
  const run = { status: "error", stdout: "", stderr: "", error: "NameError: x", outputs: [], elapsedMs: 5 };
  const attempt = { attempt: 1, code: "print(x)", findings: [], run, error: { kind: "runtime", message: "NameError: x" } };
  const cell = { type: "cell/add", id: "a", prompt: "", code: "print(x)", findings: [], dataFiles: [], attempts: [attempt], server: "failed" };
  assert.deepEqual(protocol.parseHostMessage(cell), { ok: true, value: { ...cell, capabilities: null } });
  assert.deepEqual(protocol.parseHostMessage({ ...cell, attempts: Array(11).fill(attempt) }), { ok: false, error: "cell/add: attempts: more than 10 attempts" });
  assert.equal(protocol.parseHostMessage({ ...cell, server: "maybe" }).ok, false);
  assert.equal(protocol.parseHostMessage({ ...cell, attempts: [{ ...attempt, run: { ...run, status: "stopped" } }] }).ok, false);
});

test("the full output of a stream is bounded and names its stream", () => {
  assert.equal(protocol.parsePageMessage({ type: "cell/openOutput", id: "a", stream: "stdout", text: "1\n2\n" }).ok, true);
  assert.equal(protocol.parsePageMessage({ type: "cell/openOutput", id: "a", stream: "stdin", text: "" }).ok, false);
  assert.match(protocol.parsePageMessage({ type: "cell/openOutput", id: "a", stream: "stderr", text: "x".repeat(protocol.maxFullOutputChars + 1) }).error, /full output is longer than/);
});

test("bad host messages get a readable error naming the message and the field", () => {
  assert.deepEqual(protocol.parseHostMessage({ type: "cell/add", id: "a", code: 5 }), { ok: false, error: "cell/add: missing 'prompt'" });
  assert.deepEqual(protocol.parseHostMessage({ type: "nope", id: "a" }), { ok: false, error: "unknown message type 'nope'" });
  assert.deepEqual(protocol.parseHostMessage([1]), { ok: false, error: "message is not an object with a string 'type'" });
  const bad = protocol.parseHostMessage({ type: "cell/add", id: "a", prompt: "", code: "", findings: [], dataFiles: [{ name: "../x", base64: "" }] });
  assert.deepEqual(bad, { ok: false, error: "cell/add: dataFiles.0.name: data file name must be a plain file name" });
});

test("huge messages are refused with a clear error: code, data files, feedback", () => {
  const cell = { type: "cell/add", id: "a", prompt: "", findings: [], dataFiles: [] };
  assert.equal(protocol.parseHostMessage({ ...cell, code: "x".repeat(protocol.maxCodeLength) }).ok, true);
  assert.deepEqual(protocol.parseHostMessage({ ...cell, code: "x".repeat(protocol.maxCodeLength + 1) }), {
    ok: false, error: `cell/add: code: code is longer than ${protocol.maxCodeLength} characters`,
  });
  const bigFile = { name: "big.bin", base64: "A".repeat(Math.ceil(protocol.maxDataFileBytes / 3) * 4 + 4) };
  assert.match(protocol.parseHostMessage({ ...cell, code: "", dataFiles: [bigFile] }).error, /data file is larger than 10485760 bytes/);
  const many = Array.from({ length: protocol.maxDataFiles + 1 }, (_, i) => ({ name: `f${i}`, base64: "" }));
  assert.match(protocol.parseHostMessage({ ...cell, code: "", dataFiles: many }).error, /more than 16 data files/);
  assert.match(protocol.parsePageMessage({ type: "cell/fix", id: "a", feedback: "x".repeat(protocol.maxFeedbackLength + 1) }).error, /feedback is longer than/);
  assert.match(protocol.parsePageMessage({ type: "cell/accept", id: "a", code: "x".repeat(protocol.maxCodeLength + 1) }).error, /code is longer than/);
});

test("validated messages carry only the known fields", () => {
  const parsed = protocol.parseHostMessage({ type: "cell/run", id: "a", extra: { evil: true } });
  assert.deepEqual(parsed, { ok: true, value: { type: "cell/run", id: "a" } });
});

test("page messages are validated", () => {
  assert.equal(protocol.parsePageMessage({ type: "cell/accept", id: "a", code: "x" }).ok, true);
  assert.equal(protocol.parsePageMessage({ type: "cell/fix", id: "a" }).ok, false);
  assert.equal(protocol.parsePageMessage({ type: "cell/result", id: "a", summary: { status: "ok" } }).ok, false);
  const summary = { status: "ok", stdout: "1\n", stderr: "", error: null, outputLimit: null, outputs: [{ mime: "text/plain", text: "2" }], elapsedMs: 12 };
  assert.deepEqual(protocol.parsePageMessage({ type: "cell/result", id: "a", summary }), { ok: true, value: { type: "cell/result", id: "a", summary } });
  // The former result shape (repr, images, html) is not a summary any more: outputs replace it.
  const old = { status: "ok", stdout: "1\n", stderr: "", repr: null, error: null, images: 0, html: false, elapsedMs: 12 };
  assert.equal(protocol.parsePageMessage({ type: "cell/result", id: "a", summary: old }).ok, false);
});

test("a capability summary and a re-check are validated: plain module names, bounded paths, a boolean for /output", () => {
  const capabilities = { reads: ["/data/sales.csv"], writesOutput: true, imports: ["csv", "json"] };
  const add = { type: "cell/add", id: "a", prompt: "", code: "import csv", findings: [], dataFiles: [], capabilities };
  assert.deepEqual(protocol.parseHostMessage(add).value.capabilities, capabilities);
  for (const bad of [
    { ...capabilities, imports: ["os; rm -rf"] },
    { ...capabilities, writesOutput: "yes" },
    { ...capabilities, reads: Array.from({ length: protocol.maxCapabilityReads + 1 }, (_, i) => `/data/${i}.csv`) },
    { reads: [], imports: [] },
  ]) {
    assert.equal(protocol.parseHostMessage({ ...add, capabilities: bad }).ok, false, JSON.stringify(bad).slice(0, 100));
  }
  assert.deepEqual(protocol.parsePageMessage({ type: "cell/check", id: "a", code: "print(2)" }), { ok: true, value: { type: "cell/check", id: "a", code: "print(2)" } });
  assert.equal(protocol.parsePageMessage({ type: "cell/check", id: "a" }).error, "cell/check: missing 'code'");
  assert.equal(protocol.parsePageMessage({ type: "cell/check", id: "a", code: "x".repeat(protocol.maxCodeLength + 1) }).ok, false);
  const checked = { type: "cell/checked", id: "a", code: "print(2)", findings: [], blocking: false, capabilities: null };
  assert.deepEqual(protocol.parseHostMessage(checked), { ok: true, value: checked });
  assert.equal(protocol.parseHostMessage({ ...checked, blocking: undefined }).ok, false);
});

test("a saved figure carries a plain file name of its own type, never a path", () => {
  const figure = { type: "cell/saveFigure", id: "a", name: "red.png", mime: "image/png", base64: "iVBORw0KGgo=" };
  assert.deepEqual(protocol.parsePageMessage(figure), { ok: true, value: figure });
  assert.equal(protocol.parsePageMessage({ ...figure, name: "plot.svg", mime: "image/svg+xml" }).ok, true);
  for (const name of ["../evil.png", "..\\evil.png", "/etc/passwd.png", "a/b.png", "C:\\x.png", "..png", "a..png", ".hidden.png", "red.svg", "red", "", "r e d.png", "x".repeat(200) + ".png", "ok.png\n"]) {
    const parsed = protocol.parsePageMessage({ ...figure, name });
    assert.equal(parsed.ok, false, JSON.stringify(name));
    assert.match(parsed.error, /cell\/saveFigure: (name: )?(figure name|missing)/, JSON.stringify(name));
  }
  assert.equal(protocol.parsePageMessage({ ...figure, mime: "image/gif", name: "a.gif" }).ok, false);
  assert.equal(protocol.parsePageMessage({ ...figure, base64: "not base64!" }).ok, false);
});

test("an oversized figure is refused with a clear error", () => {
  const base64 = "A".repeat(Math.ceil(protocol.maxFigureBytes / 3) * 4 + 4);
  const parsed = protocol.parsePageMessage({ type: "cell/saveFigure", id: "a", name: "big.png", mime: "image/png", base64 });
  assert.equal(parsed.ok, false);
  assert.match(parsed.error, new RegExp(`cell/saveFigure: base64: figure is larger than ${protocol.maxFigureBytes} bytes`));
});

test("any name the code wrote to /output becomes a safe figure name", () => {
  const cases = [
    ["red.png", "image/png", "red.png"],
    ["Plot.PNG", "image/png", "Plot.png"],
    ["../../etc/passwd", "image/png", "passwd.png"],
    ["..\\..\\boot.svg", "image/svg+xml", "boot.svg"],
    ["my plot (1).svg", "image/svg+xml", "my_plot_1_.svg"],
    ["résumé.png", "image/png", "resume.png"],
    ["...png", "image/png", "figure.png"],
    ["a..b.png", "image/png", "a.b.png"],
    [".hidden.png", "image/png", "hidden.png"],
    ["x".repeat(300) + ".png", "image/png", "x".repeat(protocol.maxFigureNameLength - 4) + ".png"],
  ];
  for (const [raw, mime, expected] of cases) {
    const name = protocol.safeFigureName(raw, mime);
    assert.equal(name, expected, raw);
    assert.ok(protocol.isSafeFigureName(name, mime), name);
  }
});

test("every documented message, severity and run status is accepted, and each refusal names its field", () => {
  for (const m of [{ type: "cell/run", id: "a" }, { type: "cell/stop", id: "a" }]) assert.deepEqual(protocol.parseHostMessage(m), { ok: true, value: m });
  for (const m of [{ type: "webview/ready" }, { type: "webview/error", message: "boom" }, { type: "cell/reject", id: "a" }]) {
    assert.deepEqual(protocol.parsePageMessage(m), { ok: true, value: m });
  }
  const cell = { type: "cell/add", id: "a", prompt: "", code: "", findings: [], dataFiles: [] };
  for (const severity of ["error", "warning", "info"]) {
    assert.equal(protocol.parseHostMessage({ ...cell, findings: [{ ruleId: "R", severity, message: "m", line: 0 }] }).ok, true, severity);
  }
  const summary = { status: "ok", stdout: "", stderr: "", repr: null, error: null, images: 0, html: false, elapsedMs: 1, outputs: [] };
  for (const status of ["ok", "error", "stopped", "failed"]) {
    assert.equal(protocol.parsePageMessage({ type: "cell/result", id: "a", summary: { ...summary, status } }).ok, true, status);
  }
  assert.deepEqual(protocol.parseHostMessage({ type: "cell/run", id: "" }), { ok: false, error: "cell/run: id: id is empty" });
  assert.deepEqual(protocol.parseHostMessage({ type: "cell/run", id: "x".repeat(201) }), { ok: false, error: "cell/run: id: id is longer than 200 characters" });
  assert.deepEqual(protocol.parsePageMessage({ type: "webview/error", message: "x".repeat(20_001) }), { ok: false, error: "webview/error: message: message is longer than 20000 characters" });
});

test("the generation's progress, its end and the panel's visibility are validated, and a refusal names its field", () => {
  const progress = { type: "generation/progress", id: "g", prompt: "p", attempt: 1, phase: "Attempt 1 of 3: checking", received: 0, attempts: [] };
  for (const m of [progress, { type: "generation/end", id: "g" }, { type: "panel/visibility", visible: false }, { type: "panel/visibility", visible: true }]) {
    assert.deepEqual(protocol.parseHostMessage(m), { ok: true, value: m });
  }
  assert.deepEqual(protocol.parseHostMessage({ ...progress, phase: "x".repeat(501) }), { ok: false, error: "generation/progress: phase: phase is longer than 500 characters" });
  assert.equal(protocol.parseHostMessage({ ...progress, attempt: 0 }).ok, false);
  assert.equal(protocol.parseHostMessage({ ...progress, received: -1 }).ok, false);
  assert.equal(protocol.parseHostMessage({ ...progress, attempts: Array.from({ length: 11 }, (_, i) => ({ attempt: i + 1, code: null, findings: [], run: null, error: null })) }).ok, false);
  assert.equal(protocol.parseHostMessage({ type: "panel/visibility", visible: "no" }).ok, false);
  assert.equal(protocol.parseHostMessage({ type: "generation/end", id: "" }).ok, false);
});

test("a data file name is a plain name: not '.', '..', empty, a path or longer than 255 characters", () => {
  const cell = { type: "cell/add", id: "a", prompt: "", code: "", findings: [] };
  for (const [name, error] of [
    [".", "data file name must be a plain file name"], ["..", "data file name must be a plain file name"], ["a/b", "data file name must be a plain file name"],
    ["", "data file name is empty"], ["x".repeat(256), "data file name is longer than 255 characters"],
  ]) {
    assert.deepEqual(protocol.parseHostMessage({ ...cell, dataFiles: [{ name, base64: "" }] }), { ok: false, error: `cell/add: dataFiles.0.name: ${error}` }, name);
  }
  assert.equal(protocol.parseHostMessage({ ...cell, dataFiles: [{ name: "..a", base64: "" }] }).ok, true);
  assert.deepEqual(protocol.parseHostMessage({ ...cell, dataFiles: [{ name: "a", base64: "not base64!" }] }), { ok: false, error: "cell/add: dataFiles.0.base64: data file is not base64" });
});

test("a figure up to 24 MiB and a name up to the length limit are accepted, one byte or character more is not", () => {
  assert.equal(protocol.maxFigureBytes, 24 * 1024 * 1024);
  const figure = { type: "cell/saveFigure", id: "a", name: "big.png", mime: "image/png" };
  assert.equal(protocol.parsePageMessage({ ...figure, base64: "A".repeat(Math.ceil(protocol.maxFigureBytes / 3) * 4) }).ok, true);
  const longest = "x".repeat(protocol.maxFigureNameLength - 4) + ".png";
  assert.equal(protocol.isSafeFigureName(longest, "image/png"), true);
  assert.equal(protocol.isSafeFigureName("x" + longest, "image/png"), false);
  assert.equal(protocol.figureExtension("image/svg+xml"), ".svg");
  assert.equal(protocol.safeFigureName("plot...", "image/png"), "plot.png");
  assert.equal(protocol.safeFigureName("__plot", "image/png"), "plot.png");
});

test("worker messages that do not match the worker protocol are rejected", () => {
  assert.equal(workerProtocol.parseWorkerMessage({ type: "cell/accept", id: "v", code: "evil" }).ok, false);
  assert.equal(workerProtocol.parseWorkerMessage({ type: "done", runId: 1, result: {} }).ok, false);
  assert.equal(workerProtocol.parseWorkerMessage({ type: "stream", runId: 1, stream: "stdout", text: "a" }).ok, true);
  const result = { status: "ok", error: null, outputs: [{ mime: "image/png", base64: "iVBORw0KGgo=", name: "a.png" }], outputLimit: null, elapsedMs: 1 };
  assert.equal(workerProtocol.parseWorkerMessage({ type: "done", runId: 1, result, heapBytes: 16 * 1024 * 1024 }).ok, true);
  assert.equal(workerProtocol.parseWorkerMessage({ type: "done", runId: 1, result }).ok, false, "a done without the worker's memory size");
  assert.equal(workerProtocol.parseWorkerMessage({ type: "ready", loadMs: 5, fromSnapshot: true, heapBytes: -1 }).ok, false, "a negative memory size");
  assert.equal(workerProtocol.parseWorkerMessage({ type: "ready", loadMs: 5, fromSnapshot: true, heapBytes: 1.5 }).ok, false, "a fractional memory size");
  assert.equal(workerProtocol.parseWorkerMessage({ type: "ready", loadMs: 5, fromSnapshot: true, heapBytes: 0 }).ok, true);
  for (const output of [{ mime: "image/gif", base64: "", name: "a.gif" }, { mime: "image/png", text: "not base64" }, { mime: "text/plain", base64: "YQ==" },
    { mime: "text/html", text: "x", name: "../escape.html" }, { mime: "text/html", text: "x", name: "/abs.html" }]) {
    assert.equal(workerProtocol.parseWorkerMessage({ type: "done", runId: 1, result: { ...result, outputs: [output] }, heapBytes: 0 }).ok, false, JSON.stringify(output));
  }
});

test("the worker's init needs the compiled Pyodide module and its files as Blobs, an absolute index URL and a snapshot, an announced one or neither", () => {
  const files = {
    "pyodide.asm.wasm": new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])),
    "python_stdlib.zip": new Blob(["x"]),
    "pyodide-lock.json": new Blob(["x"]),
  };
  const init = { type: "init", indexURL: "https://x.example/dist/pyodide/", files, snapshot: null, snapshotFollows: null, makeSnapshot: true };
  assert.equal(workerProtocol.parsePageToWorker(init).ok, true);
  assert.equal(workerProtocol.parsePageToWorker({ ...init, snapshot: new ArrayBuffer(8), makeSnapshot: false }).ok, true);
  assert.equal(workerProtocol.parsePageToWorker({ ...init, snapshotFollows: 31457408 }).ok, true);
  assert.equal(workerProtocol.parsePageToWorker({ ...init, snapshotFollows: 0 }).ok, false, "an announced snapshot of no bytes");
  assert.equal(workerProtocol.parsePageToWorker({ ...init, snapshotFollows: 2 ** 31 }).ok, false, "an announced snapshot over the largest size");
  assert.equal(workerProtocol.parsePageToWorker({ ...init, snapshot: "bytes" }).ok, false);
  assert.equal(workerProtocol.parsePageToWorker({ ...init, files: { ...files, "pyodide.asm.wasm": new Blob(["x"]) } }).ok, false, "wasm bytes instead of a compiled module");
  assert.equal(workerProtocol.parsePageToWorker({ ...init, indexURL: "pyodide/" }).ok, false);
});

test("the worker's init may come before the files, which then follow in a files message of the same shape", () => {
  const files = {
    "pyodide.asm.wasm": new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])),
    "python_stdlib.zip": new Blob(["x"]),
    "pyodide-lock.json": new Blob(["x"]),
  };
  const init = { type: "init", indexURL: "https://x.example/dist/pyodide/", files: null, snapshot: null, snapshotFollows: 31457408, makeSnapshot: false };
  assert.equal(workerProtocol.parsePageToWorker(init).ok, true);
  assert.equal(workerProtocol.parsePageToWorker({ type: "files", files }).ok, true);
  assert.equal(workerProtocol.parsePageToWorker({ type: "files", files: null }).ok, false, "a files message without files");
  assert.equal(workerProtocol.parsePageToWorker({ type: "files", files: { ...files, "python_stdlib.zip": "x" } }).ok, false, "the standard library as text");
});

test("the first worker's name tells it how to start, and a name that is not such a start tells it nothing", () => {
  const start = { indexURL: "https://x.example/dist/pyodide/", snapshotFollows: 31457408, makeSnapshot: true };
  assert.deepEqual(workerProtocol.parseWorkerName(workerProtocol.workerName(start)), start);
  assert.equal(workerProtocol.parseWorkerName(workerProtocol.workerName()), undefined, "a later worker waits for its init");
  assert.equal(workerProtocol.parseWorkerName("agentcode-pyodide {not json"), undefined);
  assert.equal(workerProtocol.parseWorkerName(`agentcode-pyodide ${JSON.stringify({ ...start, indexURL: "pyodide/" })}`), undefined, "a relative index URL");
  assert.equal(workerProtocol.parseWorkerName(`agentcode-pyodide ${JSON.stringify({ ...start, snapshotFollows: 0 })}`), undefined, "an announced snapshot of no bytes");
  assert.equal(workerProtocol.parseWorkerName(`other ${JSON.stringify(start)}`), undefined);
});

test("the saved snapshot follows the worker's init as bytes, or null when the page refused it", () => {
  assert.equal(workerProtocol.parsePageToWorker({ type: "snapshot", bytes: new ArrayBuffer(16) }).ok, true);
  assert.equal(workerProtocol.parsePageToWorker({ type: "snapshot", bytes: null }).ok, true);
  assert.equal(workerProtocol.parsePageToWorker({ type: "snapshot", bytes: new ArrayBuffer(0) }).ok, false);
  assert.equal(workerProtocol.parsePageToWorker({ type: "snapshot" }).ok, false);
});

test("a snapshot from the worker must be a non-empty ArrayBuffer", () => {
  assert.equal(workerProtocol.parseWorkerMessage({ type: "snapshot", bytes: new ArrayBuffer(16) }).ok, true);
  assert.equal(workerProtocol.parseWorkerMessage({ type: "snapshot", bytes: new ArrayBuffer(0) }).ok, false);
  assert.equal(workerProtocol.parseWorkerMessage({ type: "snapshot", bytes: [1, 2, 3] }).ok, false);
});

test("the panel CSP is strict: no unsafe-eval, wasm allowed, blob workers, nonce'd scripts", () => {
  const page = html.renderPanelHtml({ cspSource: "https://x.example", nonce: "abc123", scriptUri: "s.js", styleUri: "s.css", assetsBaseUri: "https://x.example/dist/" });
  const csp = /content="([^"]+)"/.exec(page)[1];
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123' 'wasm-unsafe-eval' https:\/\/x\.example/);
  assert.match(csp, /worker-src blob:/);
  assert.match(csp, /connect-src https:\/\/x\.example(;|$)/);
  assert.doesNotMatch(csp, /'unsafe-eval'|'unsafe-inline'/);
  // Charts draw without inline styles; the one style element allowed is the code editor's, with the page's nonce.
  // HTML outputs are srcdoc frames, which need no frame source.
  assert.match(csp, /style-src https:\/\/x\.example 'nonce-abc123';/);
  assert.match(csp, /frame-src 'none'/);
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

test("every test docs/webview.md's security table names exists", async () => {
  const doc = await readFile(join(here, "..", "..", "docs", "webview.md"), "utf8");
  const table = doc.slice(doc.indexOf("## What displayed content can do"), doc.indexOf("## Tests"));
  const rows = table.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| Content") && !line.startsWith("| ---"));
  assert.ok(rows.length >= 10, `only ${rows.length} rows`);
  const sources = (await Promise.all(["escape", "outputs", "panel"].map((f) => readFile(join(here, `${f}.test.mjs`), "utf8")))).join("\n");
  for (const row of rows) {
    const name = row.split(" | ").at(-1).replace(/ \|$/, "").replace(/ \(`[a-z]+\.test\.mjs`\)$/, "");
    assert.ok(sources.includes(`test(${JSON.stringify(name)}`), `no test named "${name}"`);
  }
});
