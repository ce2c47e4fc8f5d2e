// The panel document: a strict CSP with a fresh nonce, no 'unsafe-eval', sources limited to the webview's own
// resource origin (VS Code's and code-server's cspSource forms), and resources only from media/webview.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { isCspSourceList, newNonce, panelHtml } from "./out/panel/panel_html.mjs";

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "src");
const uris = {
  scriptUri: "https://file+.vscode-resource.vscode-cdn.net/ext/media/webview/panel.js",
  styleUri: "https://file+.vscode-resource.vscode-cdn.net/ext/media/webview/panel.css",
  assetsBaseUri: "https://file+.vscode-resource.vscode-cdn.net/ext/media/webview/",
};

function csp(html) {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, "no CSP meta tag");
  return m[1].replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
}

test("the policy has the nonce on the script, allows wasm but never eval, and defaults to none", () => {
  const nonce = newNonce();
  const html = panelHtml("https://*.vscode-cdn.net", uris, nonce);
  const policy = csp(html);
  assert.match(policy, /default-src 'none'/);
  assert.ok(policy.includes(`'nonce-${nonce}'`));
  assert.match(policy, /'wasm-unsafe-eval'/);
  assert.doesNotMatch(policy, /'unsafe-eval'|'unsafe-inline'/);
  assert.ok(html.includes(`nonce="${nonce}"`));
  assert.ok(html.includes(uris.scriptUri));
  assert.doesNotMatch(html, /agentcode-csp-source\.invalid/);
});

test("code-server's cspSource with 'self' is accepted and lands in the policy", () => {
  const policy = csp(panelHtml("'self' https://*.vscode-cdn.net", uris));
  assert.match(policy, /script-src 'nonce-[^']+' 'wasm-unsafe-eval' 'self' https:\/\/\*\.vscode-cdn\.net/);
});

test("a cspSource that tries to add directives or quotes is refused", () => {
  for (const bad of ["", "   ", "https://a; script-src *", "'unsafe-eval'", "'unsafe-inline' https://x", 'https://x" onload="x', "https://a,https://b", "https://a\nscript-src *"]) {
    assert.equal(isCspSourceList(bad), false, bad);
    assert.throws(() => panelHtml(bad, uris));
  }
});

test("every render gets a different nonce", () => {
  const nonces = new Set(Array.from({ length: 20 }, () => newNonce()));
  assert.equal(nonces.size, 20);
});

test("the webview may load local resources from media/webview, the installed packages' folder and the saved-snapshot folder only", () => {
  const panel = fs.readFileSync(path.join(src, "panel", "panel.ts"), "utf8");
  const options = /private options\(\): vscode\.WebviewOptions \{([\s\S]*?)\n  \}/.exec(panel)?.[1] ?? "";
  assert.match(options, /const roots = \[this\.root, this\.ctx\.packages\.folder\];/);
  assert.match(options, /if \(this\.snapshots !== undefined\) roots\.push\(vscode\.Uri\.file\(this\.snapshots\.dir\)\);/);
  assert.match(options, /localResourceRoots: roots/);
  assert.equal([...panel.matchAll(/localResourceRoots/g)].length, 1);
  const ctx = fs.readFileSync(path.join(src, "ctx.ts"), "utf8");
  assert.match(ctx, /new SnapshotStore\(vscode\.Uri\.joinPath\(storage, "snapshots"\)\.fsPath\)/);
  const packages = fs.readFileSync(path.join(src, "packages", "packages.ts"), "utf8");
  assert.match(packages, /this\.folder = vscode\.Uri\.joinPath\(extension\.globalStorageUri, "pyodide-packages", pyodideVersion\);/);
  assert.match(panel, /get root\(\): vscode\.Uri \{\s*return vscode\.Uri\.joinPath\(this\.ctx\.extension\.extensionUri, "media", "webview"\);/);
});
