/**
 * The panel's HTML: webview-pyodide's `renderPanelHtml` with a fresh nonce, the webview's resource URIs and its
 * `cspSource`. VS Code's cspSource is a host source (`https://*.vscode-cdn.net`), but code-server's is
 * `'self' https://*.vscode-cdn.net`, which html.ts's strict check refuses; so the source list is validated
 * here token by token ('self', a scheme, or a host source) and substituted for a placeholder. Pure, unit-tested.
 */
import { randomBytes } from "node:crypto";
import { renderPanelHtml } from "../../webview-pyodide/src/html";

export interface PanelUris {
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly assetsBaseUri: string;
}

const placeholder = "https://agentcode-csp-source.invalid";

/** One CSP source-expression as webviews use them: 'self', a scheme (`https:`), or a host source without quotes or separators. */
function isSourceToken(token: string): boolean {
  if (token === "'self'") return true;
  if (/^[a-z][a-z0-9+.-]*:$/i.test(token)) return true;
  return /^([a-z][a-z0-9+.-]*:\/\/)?(\*|(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*)(:(\d+|\*))?(\/[^\s;,'"]*)?$/i.test(token);
}

/** Whether `cspSource` is a safe list of sources to put into the policy. */
export function isCspSourceList(cspSource: string): boolean {
  if (cspSource.trim() === "" || /[\r\n]/.test(cspSource)) return false;
  return cspSource.trim().split(/ +/).every(isSourceToken);
}

export function newNonce(): string {
  return randomBytes(18).toString("base64");
}

/** Renders the panel document; throws when cspSource is not a plain source list (never expected from VS Code). */
export function panelHtml(cspSource: string, uris: PanelUris, nonce: string = newNonce()): string {
  if (!isCspSourceList(cspSource)) throw new Error(`Unexpected webview cspSource: ${JSON.stringify(cspSource)}`);
  const html = renderPanelHtml({
    cspSource: placeholder,
    nonce,
    scriptUri: uris.scriptUri,
    styleUri: uris.styleUri,
    assetsBaseUri: uris.assetsBaseUri,
    loadTimeoutMs: 180_000,
    title: "AgentCode Sandbox",
  });
  return html.split(placeholder).join(cspSource);
}
