/**
 * Renders the panel's HTML document with its strict Content-Security-Policy. No DOM or VS Code
 * dependencies: the extension imports this to fill its webview, and the test harness uses it too.
 */

export interface PanelHtmlOptions {
  /** `webview.cspSource` in VS Code; the harness origin in tests. */
  readonly cspSource: string;
  /** Fresh random nonce per render (letters, digits, +/=). */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /**
   * Absolute URL of the `dist/` folder (holding `worker.js`, `pyodide/` and the start-up script `boot.js`, which the
   * page runs first), without trailing slash.
   */
  readonly assetsBaseUri: string;
  /** How long the worker may take to load Pyodide before the panel reports an error. */
  readonly loadTimeoutMs?: number;
  /** Restart workers from a memory snapshot of the first one (default true; false boots each from scratch). */
  readonly memorySnapshot?: boolean;
  /** Caps of each output stream shown in a cell: lines and characters (the head and tail are kept past them). */
  readonly outputCapLines?: number;
  readonly outputCapChars?: number;
  /** The memory the interpreters may keep while the panel is hidden, in MiB (default 512; 0 releases them). */
  readonly hiddenMemoryMiB?: number;
  readonly title?: string;
  /**
   * A memory snapshot saved by an earlier page (the host checked its size and hash): the page fetches it, checks it
   * again, and starts Python from it instead of booting cold.
   */
  readonly persistedSnapshot?: PersistedSnapshot;
  /** The key under which the host stores a snapshot this page makes (none: the page never offers one). */
  readonly snapshotKey?: string;
}

/**
 * Where a saved snapshot is and what it must be: its URL (a webview resource), the size in bytes and SHA-256 (hex) of
 * its stored form (sparse_snapshot.ts), and its unpacked size (the worker is told it before the bytes arrive).
 */
export interface PersistedSnapshot {
  readonly url: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly unpackedBytes: number;
}

function escapeAttr(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Whether `cspSource` is a space-separated list of sources safe to put into the policy: 'self' (VS Code web and
 * code-server use "'self' https://*.vscode-cdn.net"), schemes and hosts; anything that could end the directive
 * or the attribute is refused.
 */
export function isCspSourceList(cspSource: string): boolean {
  const sourceToken = /^(?:'self'|[A-Za-z][A-Za-z0-9+.-]*:(?:\/\/[A-Za-z0-9*.+%:_-]+(?:\/[A-Za-z0-9._~%!$&()*+=:@\/-]*)?)?|\*?[A-Za-z0-9.-]+(?::\d+)?)$/;
  return cspSource.trim() !== "" && cspSource.trim().split(/ +/).every((t) => sourceToken.test(t));
}

/** The policy: nothing by default; nonce'd scripts and style element plus the panel's own resources; wasm but never eval. */
export function panelCsp(cspSource: string, nonce: string): string {
  if (!isCspSourceList(cspSource)) throw new Error("cspSource must be a CSP source list");
  if (!/^[A-Za-z0-9+/=_-]+$/.test(nonce)) throw new Error("nonce must be base64 characters");
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'wasm-unsafe-eval' ${cspSource}`,
    "worker-src blob:",
    `connect-src ${cspSource}`,
    // The nonce is for the code editor's one style element (CodeMirror's base styles); no other inline style applies.
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join("; ");
}

export function renderPanelHtml(options: PanelHtmlOptions): string {
  const csp = panelCsp(options.cspSource, options.nonce);
  const base = options.assetsBaseUri.replace(/\/+$/, "");
  const timeout = String(Math.max(1000, Math.floor(options.loadTimeoutMs ?? 120_000)));
  const saved = options.persistedSnapshot;
  const snapshotAttrs =
    (saved === undefined
      ? ""
      : ` data-snapshot-url="${escapeAttr(saved.url)}" data-snapshot-bytes="${Math.floor(saved.bytes)}" data-snapshot-sha256="${escapeAttr(saved.sha256)}" data-snapshot-unpacked-bytes="${Math.floor(saved.unpackedBytes)}"`) +
    (options.snapshotKey === undefined ? "" : ` data-snapshot-key="${escapeAttr(options.snapshotKey)}"`);
  const capLines = String(Math.max(10, Math.floor(options.outputCapLines ?? 5000)));
  const capChars = String(Math.max(1024, Math.floor(options.outputCapChars ?? 1024 * 1024)));
  const hiddenMemory = String(Math.max(0, Math.floor(options.hiddenMemoryMiB ?? 512)));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(options.styleUri)}">
<title>${escapeAttr(options.title ?? "AgentCode")}</title>
</head>
<body data-assets="${escapeAttr(base)}" data-load-timeout-ms="${timeout}" data-memory-snapshot="${options.memorySnapshot === false ? "off" : "on"}" data-output-cap-lines="${capLines}" data-output-cap-chars="${capChars}" data-hidden-memory-mib="${hiddenMemory}"${snapshotAttrs}>
<script nonce="${escapeAttr(options.nonce)}" async src="${escapeAttr(`${base}/boot.js`)}"></script>
<div id="status" role="status">Starting Python…</div>
<main id="cells"></main>
<script nonce="${escapeAttr(options.nonce)}" type="module" src="${escapeAttr(options.scriptUri)}"></script>
</body>
</html>
`;
}
