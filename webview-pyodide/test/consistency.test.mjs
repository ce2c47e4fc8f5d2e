// The two sandboxes keep one output contract: every program of contract/corpus runs in the server sandbox (the
// real `agentcode run --format json`, WASI CPython under Wasmtime) and in the panel (Pyodide in headless Chromium),
// with examples/sales.csv at /data/sales.csv, and must end with the same status, stdout and outputs (MIME type,
// content, file name). A difference fails the test and is printed field by field. The capability card's chart
// example is part of the corpus, and the contract's describe() must agree in both, bar the Python version.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { runInPanel, usePanelSuite } from "./harness.mjs";

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const corpusDir = join(root, "contract", "corpus");
const salesCsv = join(root, "examples", "sales.csv");
const agentcodeDll = join(root, "server", "AgentCode.Server", "bin", "Release", "net10.0", "agentcode.dll");

const suite = usePanelSuite();

before(async () => {
  // scripts/test builds the server first; a developer running this file alone gets it built once.
  if (!existsSync(agentcodeDll)) await run("dotnet", ["build", "-c", "Release", "--nologo", join(root, "server", "AgentCode.Server")], { maxBuffer: 64 * 1024 * 1024 });
});

async function onServer(file) {
  try {
    const { stdout } = await run("dotnet", [agentcodeDll, "run", file, "--data", salesCsv, "--format", "json"], { maxBuffer: 256 * 1024 * 1024 });
    return JSON.parse(stdout);
  } catch (error) {
    // Exit code 1 is a program that failed: its JSON document is still on stdout.
    if (error.code === 1 && error.stdout) return JSON.parse(error.stdout);
    throw error;
  }
}

async function inPanel(code) {
  const dataFiles = [{ name: "sales.csv", base64: (await readFile(salesCsv)).toString("base64") }];
  const cell = await runInPanel(suite.page, code, { dataFiles });
  const result = await suite.page.evaluate((id) => window.__hostMessages.find((m) => m.type === "cell/result" && m.id === id), cell.id);
  return result.summary;
}

/** What both runtimes must agree on. Errors are compared by their last line (the tracebacks name main.py or <cell>). */
function comparable(status, stdout, error, outputs) {
  return {
    status,
    stdout,
    error: error === null ? null : error.trimEnd().split("\n").at(-1),
    outputs: outputs.map((o) => ({ mime: o.mime, text: o.text ?? null, base64: o.base64 ?? null, name: o.name ?? null })),
  };
}

function fromServer(r) {
  const error = r.error === null ? null : `${r.error.type}: ${r.error.message}`;
  return comparable(r.status, r.stdout, error, r.outputs);
}

function fromPanel(s) {
  return comparable(s.status, s.stdout, s.error, s.outputs);
}

/** One line per field that differs, so a failure says where the runtimes part. */
function differences(server, panel) {
  const lines = [];
  for (const key of ["status", "stdout", "error"]) {
    if (server[key] !== panel[key]) lines.push(`${key}: server ${JSON.stringify(server[key])} / panel ${JSON.stringify(panel[key])}`);
  }
  const count = Math.max(server.outputs.length, panel.outputs.length);
  if (server.outputs.length !== panel.outputs.length) lines.push(`outputs: server has ${server.outputs.length}, panel has ${panel.outputs.length}`);
  for (let i = 0; i < count; i++) {
    const a = server.outputs[i];
    const b = panel.outputs[i];
    if (JSON.stringify(a) !== JSON.stringify(b)) lines.push(`output ${i + 1}: server ${JSON.stringify(a)?.slice(0, 300)} / panel ${JSON.stringify(b)?.slice(0, 300)}`);
  }
  return lines;
}

const programs = (await readdir(corpusDir)).filter((name) => name.endsWith(".py")).sort();
programs.push("../chart_example.py");

for (const name of programs) {
  test(`${name} gives the same status, stdout and outputs in both sandboxes`, async () => {
    const file = join(corpusDir, name);
    const [server, panel] = [fromServer(await onServer(file)), fromPanel(await inPanel(await readFile(file, "utf8")))];
    const diff = differences(server, panel);
    assert.deepEqual(diff, [], `${name} differs between the sandboxes:\n${diff.join("\n")}`);
  });
}

test("the corpus covers every output kind of the contract", async () => {
  const server = await Promise.all(programs.map((name) => onServer(join(corpusDir, name))));
  const mimes = new Set(server.flatMap((r) => r.outputs.map((o) => o.mime)));
  const contract = JSON.parse(await readFile(join(root, "contract", "contract.json"), "utf8"));
  for (const { mime } of contract.mimeTypes) assert.ok(mimes.has(mime), `no corpus program produces ${mime}`);
  assert.ok(server.some((r) => r.status === "output-limit"), "no corpus program passes a cap");
});

test("the contract's describe() agrees in both sandboxes, and the panel's Python is at least the card's", async () => {
  const code = "import agentcode_contract, json\nprint(json.dumps(agentcode_contract.describe(), sort_keys=True))\n";
  const { writeFile, mkdtemp } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const file = join(await mkdtemp(join(tmpdir(), "agentcode-describe-")), "describe.py");
  await writeFile(file, code);
  const server = JSON.parse((await onServer(file)).stdout);
  const panel = JSON.parse((await inPanel(code)).stdout);
  const contract = JSON.parse(await readFile(join(root, "contract", "contract.json"), "utf8"));
  assert.equal(server.python, contract.pythonVersion);
  const [major, minor] = panel.python.split(".").map(Number);
  const [cardMajor, cardMinor] = contract.pythonVersion.split(".").map(Number);
  assert.ok(major > cardMajor || (major === cardMajor && minor >= cardMinor), `the panel's Python ${panel.python} is older than the card's ${contract.pythonVersion}`);
  delete server.python;
  delete panel.python;
  assert.deepEqual(panel, server);
  assert.deepEqual(server.display, [...contract.displayApi].sort());
});

test("a program whose output depends on the runtime is reported as a difference, field by field", async () => {
  const { writeFile, mkdtemp } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const code = "import sys\nprint(sys.platform)\ndisplay(sys.platform)\n";
  const file = join(await mkdtemp(join(tmpdir(), "agentcode-platform-")), "platform.py");
  await writeFile(file, code);
  const diff = differences(fromServer(await onServer(file)), fromPanel(await inPanel(code)));
  assert.deepEqual(diff.map((line) => line.split(":")[0]), ["stdout", "output 1"]);
  assert.match(diff[0], /server "wasi\\n" \/ panel "emscripten\\n"/);
});
