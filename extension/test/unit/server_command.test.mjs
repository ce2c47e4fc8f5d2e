// How the server is started (the platform package's own executable, or agentcode.server.path), and the checks that
// turn a missing server, another platform's package or a missing .NET runtime into one sentence.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { checkDotnet, resolveServerCommand, runsOn } from "./out/server/server_command.mjs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-server-cmd-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** An extension folder whose server/ was packaged for `target`. */
function packaged(name, target, { exe = true } = {}) {
  const root = path.join(dir, name);
  fs.mkdirSync(path.join(root, "server"), { recursive: true });
  fs.writeFileSync(path.join(root, "server", "platform.json"), JSON.stringify({ target, rid: "x", version: "0.1.7" }));
  if (exe) fs.writeFileSync(path.join(root, "server", target.startsWith("win32-") ? "agentcode.exe" : "agentcode"), "", { mode: 0o755 });
  return root;
}

test("the bundled server of this platform's package runs directly, without dotnet", () => {
  const root = packaged("linux", "linux-x64");
  const r = resolveServerCommand(root, undefined, "dotnet", undefined, { platform: "linux", arch: "x64" });
  assert.deepEqual(r, { ok: true, value: { command: path.join(root, "server", "agentcode"), args: ["lsp", "--stdio"], needsDotnet: false } });
  const win = packaged("win", "win32-x64");
  const w = resolveServerCommand(win, undefined, "dotnet", undefined, { platform: "win32", arch: "x64" });
  assert.equal(w.ok && w.value.command, path.join(win, "server", "agentcode.exe"));
});

test("another platform's package says which package to install instead", () => {
  const root = packaged("mac", "darwin-arm64");
  const r = resolveServerCommand(root, undefined, "dotnet", undefined, { platform: "linux", arch: "x64" });
  assert.equal(r.ok, false);
  assert.equal(
    r.message,
    "This AgentCode package is built for darwin-arm64, but VS Code runs on linux-x64. Install the linux-x64 package (agentcode-linux-x64-0.1.7.vsix; the Marketplace picks it by itself) or set agentcode.server.path.",
  );
});

test("the Windows x64 package runs on Windows on Arm, which emulates x64", () => {
  const root = packaged("win-arm", "win32-x64");
  assert.equal(resolveServerCommand(root, undefined, "dotnet", undefined, { platform: "win32", arch: "arm64" }).ok, true);
  assert.equal(runsOn("linux-x64", { platform: "linux", arch: "arm64" }), false);
});

test("agentcode.server.path overrides the bundled server, even of another platform", () => {
  const root = packaged("override", "darwin-arm64");
  const exe = path.join(dir, "my-agentcode");
  fs.writeFileSync(exe, "");
  const r = resolveServerCommand(root, exe, "dotnet", undefined, { platform: "linux", arch: "x64" });
  assert.deepEqual(r, { ok: true, value: { command: exe, args: ["lsp", "--stdio"], needsDotnet: false } });
  const dll = path.join(dir, "agentcode.dll");
  fs.writeFileSync(dll, "");
  assert.deepEqual(resolveServerCommand(root, dll, "/opt/dotnet/dotnet"), { ok: true, value: { command: "/opt/dotnet/dotnet", args: [dll, "lsp", "--stdio"], needsDotnet: true } });
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
  const noExe = resolveServerCommand(packaged("no-exe", "linux-x64", { exe: false }), undefined, "dotnet", undefined, { platform: "linux", arch: "x64" });
  assert.match(noExe.message, /bundled server is missing .*agentcode\b.*Reinstall the extension/);
  const configured = resolveServerCommand(dir, path.join(dir, "nope.dll"), "dotnet");
  assert.match(configured.message, /agentcode\.server\.path names a file that does not exist/);
});

test("a dotnet that cannot start asks for the .NET 10 runtime", () => {
  const r = checkDotnet(path.join(dir, "no-such-dotnet"));
  assert.equal(r.ok, false);
  assert.match(r.message, /needs the \.NET 10 runtime: install it, set agentcode\.server\.dotnetPath, or clear agentcode\.server\.path/);
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
