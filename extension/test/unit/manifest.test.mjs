// package.json against the contract (extension-contract.md) and the code: command ids and titles, the command
// table in commands.ts, settings mirrored from the server's shape, Workspace Trust restrictions, marketplace fields.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { serverSettings } from "./out/settings/config.mjs";

const ext = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ext, "package.json"), "utf8"));

const contract = {
  "agentcode.generate": "Generate Python...",
  "agentcode.runFile": "Run File in Sandbox",
  "agentcode.runSelection": "Run Selection in Sandbox",
  "agentcode.runCell": "Run Cell in Sandbox",
  "agentcode.checkFile": "Check File",
  "agentcode.openPanel": "Open Sandbox Panel",
  "agentcode.setApiKey": "Set API Key",
  "agentcode.resetEndpointDecisions": "Reset Workspace Endpoint Decisions",
  "agentcode.exportNotebook": "Export Session as Notebook",
  "agentcode.restartServer": "Restart Server",
  "agentcode.showLog": "Show Log",
  "agentcode.installPackages": "Install Python Packages for the Panel…",
  "agentcode.listPackages": "List Python Packages of the Panel",
  "agentcode.uninstallPackages": "Remove Python Packages from the Panel…",
};

test("the contract's commands are contributed with their titles in category AgentCode", () => {
  const byId = new Map(pkg.contributes.commands.map((c) => [c.command, c]));
  for (const [id, title] of Object.entries(contract)) {
    assert.equal(byId.get(id)?.title, title, id);
    assert.equal(byId.get(id).category, "AgentCode");
  }
  for (const c of pkg.contributes.commands) assert.equal(c.category, "AgentCode", c.command);
});

test("no other command title starts with 'Generate Python', so the palette finds the right one", () => {
  const titles = pkg.contributes.commands.filter((c) => c.command !== "agentcode.generate").map((c) => c.title);
  for (const t of titles) assert.doesNotMatch(t, /Generate Python/i, t);
});

test("the command table in commands.ts registers exactly the contributed commands", () => {
  const src = fs.readFileSync(path.join(ext, "src", "commands.ts"), "utf8");
  const table = src.slice(src.indexOf("export const commandTable"), src.indexOf("};", src.indexOf("export const commandTable")));
  const keys = [...table.matchAll(/^\s{2}(\w+)[,:]/gm)].map((m) => `agentcode.${m[1]}`).sort();
  assert.deepEqual(keys, pkg.contributes.commands.map((c) => c.command).sort());
});

test("run commands show in the palette for Python only", () => {
  const palette = new Map(pkg.contributes.menus.commandPalette.map((m) => [m.command, m.when]));
  for (const id of ["agentcode.runFile", "agentcode.runSelection", "agentcode.runCell", "agentcode.checkFile"]) {
    assert.match(palette.get(id) ?? "", /editorLangId == python/, id);
  }
});

test("every server setting has a VS Code setting, and the API key is not one of them", () => {
  const props = pkg.contributes.configuration.properties;
  const all = Object.fromEntries(Object.keys(props).map((k) => [k.replace(/^agentcode\./, ""), k.endsWith("disabledRules") ? ["X"] : k.endsWith("stream") ? true : k.includes("Url") || k.includes("model") || k.includes("Version") ? "v" : 1]));
  const s = serverSettings({ get: (k) => all[k] }, { baseUrl: "v", useEnvironmentKey: true });
  for (const [group, fields] of Object.entries(s)) {
    for (const [field, value] of Object.entries(fields)) {
      // Decided by endpoint.ts and secret storage, not settings of their own.
      if (field === "apiKey" || field === "useEnvironmentKey") continue;
      assert.ok(`agentcode.${group}.${field}` in props, `missing setting agentcode.${group}.${field}`);
      assert.notEqual(value, undefined, `agentcode.${group}.${field} is not read`);
    }
  }
  assert.ok(!Object.keys(props).some((k) => /apiKey/i.test(k)), "the API key must live in secret storage, not settings");
});

test("an untrusted workspace cannot choose the endpoint or the server binary", () => {
  const t = pkg.capabilities.untrustedWorkspaces;
  assert.equal(t.supported, "limited");
  for (const s of ["agentcode.llm.baseUrl", "agentcode.server.path", "agentcode.server.dotnetPath"]) assert.ok(t.restrictedConfigurations.includes(s), s);
});

test("identity, activation and marketplace fields follow the contract", () => {
  assert.equal(`${pkg.publisher}.${pkg.name}`, "agentcode.agentcode");
  assert.equal(pkg.displayName, "AgentCode");
  assert.equal(pkg.preview, true, "preview while the version is 0.x");
  assert.equal(pkg.main, "./dist/extension.js");
  assert.ok(pkg.activationEvents.includes("onLanguage:python"));
  assert.ok(pkg.activationEvents.includes("onWebviewPanel:agentcode.sandbox"));
  for (const f of ["repository", "bugs", "homepage", "categories", "keywords", "galleryBanner", "icon", "license"]) assert.ok(pkg[f], f);
  assert.ok(fs.existsSync(path.join(ext, pkg.icon)));
  for (const f of ["README.md", "CHANGELOG.md", "LICENSE"]) assert.ok(fs.existsSync(path.join(ext, f)), f);
  for (const v of [...Object.values(pkg.dependencies), ...Object.values(pkg.devDependencies)]) assert.match(v, /^\d+\.\d+\.\d+$/, `unpinned ${v}`);
});

test("engines.vscode is the lowest version the code compiles against: the @types/vscode typecheck uses, and no lower than the language client needs", () => {
  // `npm test` typechecks src/ against @types/vscode; an API newer than the engine fails there, and the engine must
  // move up with the types (vsce refuses types newer than the engine).
  const engine = /^\^(\d+\.\d+\.\d+)$/.exec(pkg.engines.vscode)?.[1];
  assert.ok(engine, `engines.vscode ${pkg.engines.vscode} is not ^X.Y.Z`);
  assert.equal(pkg.devDependencies["@types/vscode"], engine);
  const client = JSON.parse(fs.readFileSync(path.join(ext, "..", "node_modules", "vscode-languageclient", "package.json"), "utf8"));
  const need = /(\d+)\.(\d+)/.exec(client.engines.vscode).slice(1).map(Number);
  const have = engine.split(".").map(Number);
  assert.ok(have[0] > need[0] || (have[0] === need[0] && have[1] >= need[1]), `vscode-languageclient needs ${client.engines.vscode}`);
});

test("the checked-in version is version.json's major.minor; packaging sets the patch from the git height", () => {
  const nbgv = JSON.parse(fs.readFileSync(path.join(ext, "..", "version.json"), "utf8"));
  assert.equal(pkg.version, `${nbgv.version}.0`);
  assert.match(fs.readFileSync(path.join(ext, "CHANGELOG.md"), "utf8"), new RegExp(`^## ${nbgv.version.replace(".", "\\.")}$`, "m"));
});

test("only the server executables and the package source are machine-scoped: a workspace cannot choose what runs on the host or where it downloads from", () => {
  const machine = ["agentcode.server.path", "agentcode.server.dotnetPath", "agentcode.pyodide.packageSource"];
  for (const [key, p] of Object.entries(pkg.contributes.configuration.properties)) {
    // Other settings stay window-scoped: a remote window (code-server) ignores machine settings from the local user file.
    assert.equal(p.scope, machine.includes(key) ? "machine" : undefined, key);
  }
});
