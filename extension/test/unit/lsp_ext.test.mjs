// lsp_ext.ts mirrors server/AgentCode.Server/Protocol/AgentCodeProtocol.cs: every method of AgentCodeMethods and
// every code of AgentCodeErrorCodes has the same value here.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { errorCodes, methods } from "./out/lsp_ext.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const cs = fs.readFileSync(path.join(repo, "server", "AgentCode.Server", "Protocol", "AgentCodeProtocol.cs"), "utf8");

function classBody(name) {
  const start = cs.indexOf(`class ${name}`);
  assert.ok(start >= 0, `class ${name} not found in AgentCodeProtocol.cs`);
  return cs.slice(start, cs.indexOf("\n}", start));
}

test("lsp_ext.ts names every method of AgentCodeMethods", () => {
  const names = [...classBody("AgentCodeMethods").matchAll(/const string (\w+) = "([^"]+)"/g)].map((m) => m[2]);
  assert.ok(names.length >= 4, "expected the C# file to declare the methods");
  const mirrored = new Set(Object.values(methods));
  for (const n of names) assert.ok(mirrored.has(n), `lsp_ext.ts does not name ${n}`);
  assert.equal(mirrored.size, names.length, "lsp_ext.ts names a method the server does not have");
});

test("lsp_ext.ts has the same error codes as AgentCodeErrorCodes", () => {
  const codes = [...classBody("AgentCodeErrorCodes").matchAll(/const int (\w+) = (-?\d+)/g)].map((m) => [m[1], Number(m[2])]);
  assert.ok(codes.length >= 4);
  const mirrored = Object.fromEntries(Object.entries(errorCodes).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [name, value] of codes) assert.equal(mirrored[name.toLowerCase()], value, `error code ${name}`);
});
