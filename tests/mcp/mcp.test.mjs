/**
 * Protocol tests of `agentcode mcp` from a client we did not write: the official MCP TypeScript SDK
 * (@modelcontextprotocol/sdk) over stdio against the real server process, python.wasm under Wasmtime. The SDK
 * client also validates every structured result against the tool's advertised output schema.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { repoRoot, startServer, textOf } from "./server.mjs";

const chartExample = readFileSync(path.join(repoRoot, "contract/chart_example.py"), "utf8");
const contract = JSON.parse(readFileSync(path.join(repoRoot, "contract/contract.json"), "utf8"));

describe("agentcode mcp driven by the MCP TypeScript SDK client", () => {
  let dir, allowed, outside, record, server;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "agentcode-mcp-"));
    allowed = path.join(dir, "allowed");
    outside = path.join(dir, "outside");
    mkdirSync(allowed);
    mkdirSync(outside);
    copyFileSync(path.join(repoRoot, "examples/sales.csv"), path.join(allowed, "sales.csv"));
    writeFileSync(path.join(outside, "secret.txt"), "not for the sandbox\n");
    symlinkSync(path.join(outside, "secret.txt"), path.join(allowed, "link-to-secret.txt"));
    record = path.join(dir, "record", "runs.jsonl");
    server = await startServer(["--allow-data", allowed, "--record", record, "--concurrency", "2", "--queue", "16"], { cwd: dir });
  });

  after(async () => {
    await server?.client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(args) {
    return server.client.callTool({ name: "run_python", arguments: args });
  }

  test("it lists run_python, check_python and describe_sandbox with input and output schemas", async () => {
    const { tools } = await server.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ["check_python", "describe_sandbox", "run_python"]);
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, "object", tool.name);
      assert.equal(tool.outputSchema?.type, "object", tool.name);
    }
    const runTool = tools.find((t) => t.name === "run_python");
    assert.deepEqual(runTool.inputSchema.required, ["code"]);
    assert.equal(runTool.inputSchema.properties.timeoutSeconds.maximum, 60);
    // Both descriptions the model reads name the Python of the output contract, which the server's interpreter is.
    assert.ok(runTool.description.includes(`Python ${contract.pythonVersion} program`), runTool.description);
    assert.ok(runTool.inputSchema.properties.code.description.includes(`Python ${contract.pythonVersion},`), runTool.inputSchema.properties.code.description);
  });

  test("describe_sandbox returns the capability card and the server's allowed data", async () => {
    const result = await server.client.callTool({ name: "describe_sandbox", arguments: {} });
    assert.equal(result.isError, false);
    assert.match(result.structuredContent.card, /What the sandbox offers/);
    assert.match(result.structuredContent.card, /application\/vnd\.vegalite\.v5\+json/);
    assert.equal(result.structuredContent.network, false);
    assert.deepEqual(result.structuredContent.allowedData, [allowed]);
    assert.match(textOf(result), /What the sandbox offers/);
  });

  test("a program reads an allowed data file mounted read-only at /data", async () => {
    const code = "import csv\nrows = list(csv.DictReader(open('/data/sales.csv')))\nprint(len(rows), 'rows')\nopen('/data/sales.csv', 'a')\n";
    const result = await run({ code, data: [path.join(allowed, "sales.csv")] });
    assert.equal(result.isError, false, textOf(result));
    assert.equal(result.structuredContent.status, "error");
    assert.match(result.structuredContent.stdout, /^\d+ rows\n$/);
    assert.match(result.structuredContent.error.message, /Read-only|Permission|denied|not permitted/i);
    assert.equal(readFileSync(path.join(allowed, "sales.csv"), "utf8"), readFileSync(path.join(repoRoot, "examples/sales.csv"), "utf8"));
  });

  test("the capability card's chart example returns its Vega-Lite chart as an embedded resource", async () => {
    const result = await run({ code: chartExample, data: ["sales.csv"] });
    assert.equal(result.structuredContent.status, "ok", textOf(result));
    const chart = result.structuredContent.outputs.find((o) => o.mime.startsWith("application/vnd.vegalite"));
    assert.ok(chart, "no Vega-Lite output");
    const block = result.content[chart.content];
    assert.equal(block.type, "resource");
    assert.equal(block.resource.mimeType, chart.mime);
    assert.match(block.resource.uri, /^agentcode:\/\/run\//);
    const spec = JSON.parse(block.resource.text);
    assert.ok(Array.isArray(spec.data.values) && spec.data.values.length > 0, "the chart has no rows");
  });

  test("a PNG written under /output comes back as MCP image content", async () => {
    const code = [
      "import struct, zlib",
      "def chunk(kind, data):",
      "    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))",
      "png = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(b'\\x00\\xff\\x00\\x00')) + chunk(b'IEND', b'')",
      "open('/output/dot.png', 'wb').write(png)",
    ].join("\n");
    const result = await run({ code });
    assert.equal(result.structuredContent.status, "ok", textOf(result));
    const output = result.structuredContent.outputs.find((o) => o.name === "dot.png");
    const block = result.content[output.content];
    assert.equal(block.type, "image");
    assert.equal(block.mimeType, "image/png");
    assert.equal(Buffer.from(block.data, "base64").subarray(1, 4).toString("latin1"), "PNG");
  });

  test("a data path outside the allow-list is refused with a clear error, also through a link or ..", async () => {
    for (const data of [path.join(outside, "secret.txt"), "link-to-secret.txt", "../outside/secret.txt", "/etc/passwd"]) {
      const result = await run({ code: "print(open('/data/secret.txt').read())", data: [data] });
      assert.equal(result.isError, true, data);
      assert.match(textOf(result), /is refused: it is outside the directories this server allows/, data);
      assert.doesNotMatch(textOf(result), /not for the sandbox/);
    }
  });

  test("while True: pass returns timeout within the deadline plus one second", async () => {
    const started = performance.now();
    const result = await run({ code: "while True:\n    pass\n", timeoutSeconds: 2 });
    const elapsed = performance.now() - started;
    assert.equal(result.structuredContent.status, "timeout", textOf(result));
    assert.ok(elapsed <= 3000, `answered after ${Math.round(elapsed)} ms`);
  });

  test("twenty concurrent calls all answer, as a result or as busy", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => run({ code: `print(${i})` })),
    );
    let ok = 0;
    results.forEach((result, i) => {
      if (result.isError) {
        assert.match(textOf(result), /The sandbox is busy/, `call ${i}`);
      } else {
        assert.equal(result.structuredContent.status, "ok", `call ${i}`);
        assert.equal(result.structuredContent.stdout, `${i}\n`);
        ok += 1;
      }
    });
    assert.ok(ok >= 2, `only ${ok} calls ran`);
  });

  test("malformed arguments get a clear error that names the problem", async () => {
    const cases = [
      [{ code: 42 }, /code/],
      [{}, /code/],
      [{ code: "print(1)", timeoutSeconds: 3600 }, /timeoutSeconds/],
      [{ code: "print(1)", memoryMb: "lots" }, /memoryMb/],
      [{ code: "print(1)", data: "sales.csv" }, /data/],
      [{ code: "print(1)", shell: true }, /shell/],
    ];
    for (const [args, names] of cases) {
      const result = await run(args);
      assert.equal(result.isError, true, JSON.stringify(args));
      const text = textOf(result);
      assert.match(text, /^The arguments of run_python are not valid: /, JSON.stringify(args));
      assert.match(text, names, text);
      assert.match(text, /Send \{"code"/);
    }
    await assert.rejects(server.client.callTool({ name: "run_shell", arguments: { code: "ls" } }), /There is no tool named 'run_shell'/);
  });

  test("check_python reports syntax errors and policy findings with 1-based lines", async () => {
    const syntax = await server.client.callTool({ name: "check_python", arguments: { code: "x = (\n" } });
    assert.equal(syntax.structuredContent.blocking, true);
    assert.equal(syntax.structuredContent.syntaxErrors.length, 1);
    const policy = await server.client.callTool({ name: "check_python", arguments: { code: "print(1)\nimport socket\n" } });
    const finding = policy.structuredContent.findings.find((f) => f.ruleId === "AC102");
    assert.ok(finding, textOf(policy));
    assert.equal(finding.line, 2);
  });

  test("the server survives all of these and writes every call to the run record", async () => {
    assert.equal(server.transport.pid !== null, true);
    const result = await run({ code: "print('still here')" });
    assert.equal(result.structuredContent.stdout, "still here\n");
    const lines = readFileSync(record, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    // 1 describe, 1 data, 1 chart, 1 image, 4 refusals, 1 timeout, 20 concurrent, 6 malformed, 2 checks, this run.
    assert.equal(lines.length, 38);
    assert.ok(lines.every((l) => l.source === "mcp" && typeof l.time === "string" && "codeSha256" in l && "outputs" in l));
    assert.ok(lines.some((l) => l.tool === "run_python" && l.outputs?.status === "timeout"));
    assert.ok(lines.some((l) => l.tool === "run_python" && /outside the directories/.test(l.error ?? "")));
    assert.ok(lines.some((l) => l.tool === "check_python" && l.findings.some((f) => f.ruleId === "AC102")));
    assert.ok(lines.some((l) => l.event === "describe"));
    assert.equal(lines.at(-1).outputs.stdout, "still here\n");
  });
});
