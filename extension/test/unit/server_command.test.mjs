// How the server is started, and the checks that turn a missing server or .NET runtime into one sentence.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { checkDotnet, resolveServerCommand } from "./out/server_command.mjs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-server-cmd-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("the bundled server runs as `dotnet server/agentcode.dll lsp --stdio`", () => {
  fs.mkdirSync(path.join(dir, "server"), { recursive: true });
  fs.writeFileSync(path.join(dir, "server", "agentcode.dll"), "");
  const r = resolveServerCommand(dir, undefined, "dotnet");
  assert.deepEqual(r, { ok: true, value: { command: "dotnet", args: [path.join(dir, "server", "agentcode.dll"), "lsp", "--stdio"], needsDotnet: true } });
});

test("agentcode.server.path may name a native executable, run directly", () => {
  const exe = path.join(dir, "agentcode");
  fs.writeFileSync(exe, "");
  assert.deepEqual(resolveServerCommand("/nowhere", exe, "dotnet"), { ok: true, value: { command: exe, args: ["lsp", "--stdio"], needsDotnet: false } });
});

test("a missing server says what to do", () => {
  const bundled = resolveServerCommand(path.join(dir, "empty"), undefined, "dotnet");
  assert.equal(bundled.ok, false);
  assert.match(bundled.message, /bundled server is missing.*agentcode\.server\.path/);
  const configured = resolveServerCommand(dir, path.join(dir, "nope.dll"), "dotnet");
  assert.match(configured.message, /agentcode\.server\.path names a file that does not exist/);
});

test("a dotnet that cannot start asks for the .NET 10 runtime", () => {
  const r = checkDotnet(path.join(dir, "no-such-dotnet"));
  assert.equal(r.ok, false);
  assert.match(r.message, /Install the \.NET 10 runtime or set agentcode\.server\.path/);
});

test("a dotnet with only older runtimes is refused with what it has", () => {
  const fake = path.join(dir, "old-dotnet");
  fs.writeFileSync(fake, "#!/bin/sh\necho 'Microsoft.AspNetCore.App 8.0.1 [/x]'\necho 'Microsoft.NETCore.App 8.0.1 [/x]'\n", { mode: 0o755 });
  const r = checkDotnet(fake);
  assert.equal(r.ok, false);
  assert.match(r.message, /needs the \.NET 10 runtime \(found only 8\)/);
});

test("the machine's dotnet has the .NET 10 runtime", () => {
  assert.deepEqual(checkDotnet("dotnet"), { ok: true });
});
