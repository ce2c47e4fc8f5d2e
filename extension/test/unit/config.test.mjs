// Settings mapping: the VS Code `agentcode.*` settings become the server's {llm, generate, sandbox, policy}
// object; unset or malformed values are left out so the server's defaults and environment fallbacks apply.
import assert from "node:assert/strict";
import { test } from "node:test";
import { configurationPayload, extensionOptions, serverExecutables, serverSettings } from "./out/settings/config.mjs";

function reader(values) {
  return { get: (key) => values[key] };
}

test("every server setting is carried over in the server's shape, with the endpoint and key as decided", () => {
  const s = serverSettings(
    reader({
      "llm.baseUrl": "https://workspace.example/v1",
      "llm.model": "test-model",
      "llm.apiVersion": "2024-10-21",
      "llm.timeoutSeconds": 30,
      "llm.stream": false,
      "generate.maxAttempts": 2,
      "sandbox.timeoutSeconds": 5,
      "sandbox.memoryMb": 128,
      "sandbox.outputKb": 64,
      "sandbox.maxInputKb": 512,
      "sandbox.concurrentRuns": 3,
      "sandbox.queuedRuns": 8,
      "policy.disabledRules": ["AC103"],
    }),
    { baseUrl: "http://127.0.0.1:9/v1", apiKey: "sk-secret", useEnvironmentKey: true },
  );
  assert.deepEqual(s, {
    llm: { baseUrl: "http://127.0.0.1:9/v1", model: "test-model", apiKey: "sk-secret", useEnvironmentKey: true, apiVersion: "2024-10-21", timeoutSeconds: 30, stream: false },
    generate: { maxAttempts: 2 },
    sandbox: { timeoutSeconds: 5, memoryMb: 128, outputKb: 64, maxInputKb: 512, concurrentRuns: 3, queuedRuns: 8 },
    policy: { disabledRules: ["AC103"] },
  });
});

test("empty strings, wrong types and non-positive numbers are left unset", () => {
  const s = serverSettings(
    reader({ "llm.model": 42, "llm.timeoutSeconds": -1, "generate.maxAttempts": "3", "policy.disabledRules": ["", 7, " AC101 "] }),
    { baseUrl: "  ", apiKey: "   ", useEnvironmentKey: false },
  );
  assert.equal(s.llm.baseUrl, undefined);
  assert.equal(s.llm.model, undefined);
  assert.equal(s.llm.apiKey, undefined);
  assert.equal(s.llm.timeoutSeconds, undefined);
  assert.equal(s.generate.maxAttempts, undefined);
  assert.deepEqual(s.policy.disabledRules, ["AC101"]);
});

test("the payload is {settings: {agentcode: ...}} and unset values vanish from the JSON", () => {
  const json = JSON.parse(JSON.stringify(configurationPayload(serverSettings(reader({ "llm.model": "m" }), { useEnvironmentKey: true }))));
  assert.deepEqual(json, { settings: { agentcode: { llm: { model: "m", useEnvironmentKey: true }, generate: {}, sandbox: {}, policy: { disabledRules: [] } } } });
});

test("the extension's own options default to run on open and no trace", () => {
  assert.deepEqual(extensionOptions(reader({})), { runOnOpen: true, outputCapLines: 5000, outputCapKiB: 1024, hiddenMemoryMiB: 512, trace: "off" });
  assert.deepEqual(extensionOptions(reader({ "panel.runOnOpen": false, trace: "verbose" })), { runOnOpen: false, outputCapLines: 5000, outputCapKiB: 1024, hiddenMemoryMiB: 512, trace: "verbose" });
  assert.deepEqual(
    extensionOptions(reader({ "panel.outputCapLines": 200, "panel.outputCapKiB": 64, "panel.hiddenMemoryMiB": 0 })),
    { runOnOpen: true, outputCapLines: 200, outputCapKiB: 64, hiddenMemoryMiB: 0, trace: "off" },
  );
  assert.equal(extensionOptions(reader({ "panel.hiddenMemoryMiB": 300.7 })).hiddenMemoryMiB, 300);
  assert.equal(extensionOptions(reader({ "panel.hiddenMemoryMiB": -1 })).hiddenMemoryMiB, 512, "a negative budget is not a budget");
});

test("the server executables default to the bundled server and dotnet, and come from the machine reader only", () => {
  assert.deepEqual(serverExecutables(reader({})), { serverPath: undefined, dotnetPath: "dotnet" });
  assert.deepEqual(serverExecutables(reader({ "server.path": "/opt/agentcode", "server.dotnetPath": "/usr/share/dotnet/dotnet" })), {
    serverPath: "/opt/agentcode",
    dotnetPath: "/usr/share/dotnet/dotnet",
  });
});
