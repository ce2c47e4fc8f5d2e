/**
 * The hostile corpus of the sandbox tests (tests/AgentCode.Sandbox.Tests/Hostile/*.py, each with its expected
 * status in a '# expect:' header) sent through run_python by the MCP TypeScript SDK client, with the same
 * containment checks as HostileCorpusTests.cs: the expected status, no ESCAPED marker, the canary's secret never in
 * the result, no connection to a listening host socket, the data file unchanged, nothing written next to the canary.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { repoRoot, startServer, textOf } from "./server.mjs";

const corpusDir = path.join(repoRoot, "tests/AgentCode.Sandbox.Tests/Hostile");
const snippets = readdirSync(corpusDir).filter((f) => f.endsWith(".py")).sort();

describe("the hostile corpus through run_python", () => {
  let dir, dataDir, input, server, listener, port;
  let connections = 0;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "agentcode-mcp-hostile-"));
    dataDir = path.join(dir, "data");
    mkdirSync(dataDir);
    input = path.join(dataDir, "input.txt");
    listener = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise((resolve) => listener.listen(0, "127.0.0.1", resolve));
    port = listener.address().port;
    server = await startServer(["--allow-data", dataDir, "--no-record", "--max-timeout", "90", "--concurrency", "2"]);
  });

  after(async () => {
    await server?.client.close();
    listener?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the corpus has at least thirty programs", () => {
    assert.ok(snippets.length >= 30, `only ${snippets.length}`);
  });

  for (const snippet of snippets) {
    test(`${snippet} is contained`, async () => {
      const secret = `canary-${crypto.randomUUID()}`;
      const canary = path.join(dir, "canary.txt");
      writeFileSync(canary, secret);
      writeFileSync(input, "original data\n");
      const source = readFileSync(path.join(corpusDir, snippet), "utf8");
      const expected = source.split("\n")[0].replace("# expect:", "").trim().split("|");
      const code = source.replaceAll("{{CANARY}}", canary).replaceAll("{{SECRET}}", secret).replaceAll("{{PORT}}", String(port));
      // As in the sandbox tests: a short deadline for programs meant to time out, a generous one for the others.
      const timeoutSeconds = expected.includes("timeout") ? 4 : 90;

      const result = await server.client.callTool(
        { name: "run_python", arguments: { code, data: [input], timeoutSeconds, memoryMb: 128 } },
        undefined,
        { timeout: 120_000 },
      );

      assert.equal(result.isError, false, textOf(result));
      const r = result.structuredContent;
      assert.ok(expected.includes(r.status), `${snippet}: expected ${expected.join("|")}, got ${r.status}: ${textOf(result)}`);
      const everything = JSON.stringify(result);
      assert.doesNotMatch(r.stdout, /ESCAPED/);
      assert.ok(!everything.includes(secret), `${snippet}: the canary's secret is in the result`);
      assert.equal(connections, 0, `${snippet}: the program reached a host socket`);
      assert.equal(readFileSync(input, "utf8"), "original data\n");
      assert.deepEqual(readdirSync(dir).sort(), ["canary.txt", "data"]);
      assert.deepEqual(readdirSync(dataDir), ["input.txt"]);
    });
  }

  test("the server is still serving after the whole corpus", async () => {
    const result = await server.client.callTool({ name: "run_python", arguments: { code: "print('alive')" } });
    assert.equal(result.structuredContent.stdout, "alive\n");
  });
});
