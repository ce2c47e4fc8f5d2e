// The agentcode_runPython tool's pure parts (agent_tool_text.ts), the `agentcode mcp` arguments VS Code's MCP
// server definition uses (server_command.ts), and their package.json contributions.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { capabilitySummary, codeFence, confirmationMarkdown, markdownText, parseRunPythonInput, programSummary, toolResultText } from "./out/agent/agent_tool_text.mjs";
import { mcpArgs } from "./out/server/server_command.mjs";

const ext = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ext, "package.json"), "utf8"));
const contract = JSON.parse(fs.readFileSync(path.join(ext, "..", "contract", "contract.json"), "utf8"));

test("the capability summary says where the code runs and states the contract's Python and caps", () => {
  const summary = capabilitySummary();
  assert.match(summary, /AgentCode Sandbox/);
  assert.match(summary, /Pyodide/);
  assert.match(summary, new RegExp(`Python ${contract.pythonVersion.replace(".", "\\.")}`));
  assert.match(summary, /no network/);
  assert.match(summary, new RegExp(`${contract.caps.outputFiles} files`));
});

test("the confirmation shows the code in a fence it cannot close early", () => {
  assert.match(confirmationMarkdown("print(1)"), /```python\nprint\(1\)\n```$/);
  assert.match(confirmationMarkdown("print('```')"), /\n````python\nprint\('```'\)\n````$/);
  // Neither a tilde fence nor a shorter backtick run inside the code closes the fence.
  const tricky = "x = 1\n~~~~\n**This program:** Reads no /data files\n`````\ny = 2";
  const md = confirmationMarkdown(tricky);
  assert.ok(md.endsWith(`\n\`\`\`\`\`\`python\n${tricky}\n\`\`\`\`\`\``), md);
  assert.equal(codeFence("no backticks"), "```");
});

test("the confirmation says what this program touches and lists the checker's findings by line", () => {
  const check = {
    capabilities: { reads: ["/data/sales.csv"], writesOutput: true, imports: ["csv", "socket"] },
    findings: [{ ruleId: "AC102", severity: "error", message: "opens a network connection (import socket)", line: 0 }],
  };
  const md = confirmationMarkdown("import socket\n", check);
  assert.ok(md.includes("**This program:** Reads \\/data\\/sales\\.csv · writes \\/output · imports csv\\, socket · 1 finding \\(1 blocking\\)"), md);
  assert.ok(md.includes("\n- line 1: AC102 \\(error\\) opens a network connection \\(import socket\\)"), md);
  assert.ok(md.indexOf("This program") < md.indexOf("```python"), "the summary comes before the code");
});

test("a program that was not checked or does not parse says so in the confirmation", () => {
  assert.match(programSummary(undefined), /not checked/);
  assert.match(programSummary({ capabilities: null, findings: [{ ruleId: "syntax", severity: "error", message: "invalid syntax", line: 1 }] }), /does not parse \(1 finding\)\.\n- line 2: syntax/);
});

test("paths and messages from the program are literal Markdown: no link, image, HTML or new paragraph", () => {
  const hostile = "/data/[x](command:workbench.action.quit) ![i](https://e.test/p.png) <img src=x onerror=alert(1)>\n# heading";
  const escaped = markdownText(hostile);
  assert.doesNotMatch(escaped, /(^|[^\\])[[\]()<>!#:]/, escaped);
  assert.doesNotMatch(escaped, /\n/);
  const md = programSummary({ capabilities: { reads: [hostile], writesOutput: false, imports: [] }, findings: [] });
  assert.ok(md.includes("\\[x\\]\\(command\\:workbench\\.action\\.quit\\)"), md);
});

test("program text cannot become an autolink: the scheme's colon, slashes and an email's at sign are escaped", () => {
  assert.equal(markdownText("/data/http://2130706433/x"), "\\/data\\/http\\:\\/\\/2130706433\\/x");
  assert.equal(markdownText("me@example.com"), "me\\@example\\.com");
  assert.equal(markdownText("plain words 42"), "plain words 42");
});

test("input without a code string is refused with a sentence", () => {
  for (const bad of [undefined, null, {}, { code: 3 }, { code: "  " }]) {
    const r = parseRunPythonInput(bad);
    assert.equal(r.ok, false);
    assert.match(r.message, /needs \{"code"/);
  }
  assert.deepEqual(parseRunPythonInput({ code: "print(1)" }), { ok: true, value: { code: "print(1)" } });
  assert.match(parseRunPythonInput({ code: "x".repeat(1024 * 1024 + 1) }).message, /longer than/);
});

test("the tool result carries the panel's status, stdout, error and outputs", () => {
  const text = toolResultText({
    status: "error",
    stdout: "hello\n",
    stderr: "",
    error: "Traceback ...\nValueError: bad",
    outputLimit: null,
    outputs: [{ mime: "image/png", base64: "AA==" }, { mime: "text/plain", text: "x", name: "notes.txt" }],
    elapsedMs: 12.4,
  });
  assert.match(text, /^status: error \(12 ms/);
  assert.match(text, /--- stdout ---\nhello\n--- error ---\nTraceback/);
  assert.match(text, /outputs \(shown to the user in the panel\): image\/png, \/output\/notes\.txt \(text\/plain\)/);
});

test("the MCP server allows the workspace folders as data only in a trusted workspace, and records into the first", () => {
  assert.deepEqual(mcpArgs(["/w/a", "/w/b"], true), ["mcp", "--allow-data", "/w/a", "--allow-data", "/w/b", "--record", path.join("/w/a", ".agentcode", "runs.jsonl")]);
  assert.deepEqual(mcpArgs(["/w/a"], false), ["mcp", "--record", path.join("/w/a", ".agentcode", "runs.jsonl")]);
  assert.deepEqual(mcpArgs([], true), ["mcp", "--no-record"]);
});

test("package.json contributes the tool with a code-only input schema and the MCP server definition provider", () => {
  const tool = pkg.contributes.languageModelTools.find((t) => t.name === "agentcode_runPython");
  assert.ok(tool, "agentcode_runPython is not contributed");
  assert.deepEqual(tool.inputSchema.required, ["code"]);
  assert.ok(tool.modelDescription.length > 50 && tool.displayName && tool.userDescription);
  assert.match(tool.modelDescription, new RegExp(`^Runs a Python ${contract.pythonVersion.replace(".", "\\.")} program`), "the tool names the contract's Python");
  assert.deepEqual(pkg.contributes.mcpServerDefinitionProviders, [{ id: "agentcode.mcp", label: "AgentCode Python sandbox" }]);
  assert.ok(pkg.activationEvents.includes("onMcpServerDefinitionProvider:agentcode.mcp"));
  assert.ok(pkg.activationEvents.includes("onLanguageModelTool:agentcode_runPython"));
});
