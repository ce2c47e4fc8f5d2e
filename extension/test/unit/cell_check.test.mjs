// checkForCell (run/cell_check.ts) against the real language server over stdio: the findings and capability
// summary a Run File or agent cell takes to the panel, and what happens when there is no answer or no server.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import { checkForCell, checkWithin, postWhenChecked } from "./out/run/cell_check.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const dll = process.env.AGENTCODE_SERVER_DLL ?? path.join(repo, "server/AgentCode.Server/bin/Release/net10.0/agentcode.dll");

/** A log channel that keeps its warnings. */
function log() {
  const warnings = [];
  return { warnings, warn: (m) => warnings.push(m), info() {}, error() {} };
}

let server;
let connection;

before(async () => {
  server = spawn("dotnet", [dll, "lsp", "--stdio"], { stdio: ["pipe", "pipe", "ignore"] });
  connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  connection.listen();
  await connection.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
  connection.sendNotification("initialized", {});
});

after(async () => {
  try {
    await connection?.sendRequest("shutdown");
    connection?.sendNotification("exit");
  } finally {
    connection?.dispose();
    server?.kill();
  }
});

test("a cell's check carries the server's findings and what the program will touch", async () => {
  const output = log();
  const code = "import csv, socket\nrows = list(csv.reader(open('/data/sales.csv')))\nopen('/output/n.txt', 'w').write(str(len(rows)))\n";
  const checked = await checkForCell({ server: { client: async () => connection }, output }, code, "report.py");
  assert.deepEqual(checked.capabilities, { reads: ["/data/sales.csv"], writesOutput: true, imports: ["csv", "socket"] });
  assert.deepEqual(
    checked.findings.map((f) => [f.ruleId, f.severity, f.line]),
    [["AC102", "error", 0]],
  );
  assert.deepEqual(output.warnings, []);
});

test("code that does not parse gets its syntax error and no capability summary", async () => {
  const checked = await checkForCell({ server: { client: async () => connection }, output: log() }, "def f(:\n", "broken.py");
  assert.equal(checked.capabilities, null);
  assert.equal(checked.findings[0].ruleId, "syntax");
  assert.equal(checked.findings[0].severity, "error");
});

test("without a server the cell goes unchecked and the log says why", async () => {
  const output = log();
  const checked = await checkForCell(
    { server: { client: async () => { throw new Error("The AgentCode server is not running."); } }, output },
    "print(1)\n",
    "the agent's code",
  );
  assert.equal(checked, undefined);
  assert.match(output.warnings[0], /^the agent's code goes to the panel unchecked: the server could not check it \(The AgentCode server is not running\.\)\.$/);
});

test("a check that is late for the cell's arrival reaches the panel as cell/checked once the server answers", async () => {
  const code = "import json\nprint(json.dumps(1))\n";
  const checking = checkForCell({ server: { client: async () => connection }, output: log() }, code, "the agent's code");
  assert.equal(await checkWithin(checking, 0), undefined, "not there at once");
  const posted = new Promise((resolve) => postWhenChecked(checking, { id: "c7", code }, resolve));
  assert.deepEqual(await posted, {
    type: "cell/checked",
    id: "c7",
    code,
    findings: [],
    blocking: false,
    capabilities: { reads: [], writesOutput: false, imports: ["json"] },
  });
});

test("a server that never answers holds nothing: the wait ends with no check and nothing is posted", async () => {
  const silent = { sendRequest: () => new Promise(() => {}) };
  const checking = checkForCell({ server: { client: async () => silent }, output: log() }, "print(1)\n", "report.py");
  assert.equal(await checkWithin(checking, 50), undefined);
  const unchecked = checkForCell({ server: { client: async () => { throw new Error("gone"); } }, output: log() }, "print(1)\n", "report.py");
  let posts = 0;
  postWhenChecked(unchecked, { id: "c1", code: "print(1)\n" }, () => posts++);
  await unchecked;
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(posts, 0, "a failed check posts nothing");
});

test("a cancelled wait ends at once without the check", async () => {
  const silent = { sendRequest: () => new Promise(() => {}) };
  const checking = checkForCell({ server: { client: async () => silent }, output: log() }, "print(1)\n", "the agent's code");
  let cancel;
  const token = { isCancellationRequested: false, onCancellationRequested: (f) => ((cancel = f), { dispose() {} }) };
  const waited = checkWithin(checking, 60_000, token);
  cancel();
  assert.equal(await waited, undefined);
  assert.equal(await checkWithin(checking, 60_000, { isCancellationRequested: true, onCancellationRequested: () => ({ dispose() {} }) }), undefined);
});
