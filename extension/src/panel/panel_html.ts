/**
 * The panel's HTML: webview-pyodide's `renderPanelHtml` with a fresh nonce, the webview's resource URIs and its
 * `cspSource` (VS Code's `https://*.vscode-cdn.net`, code-server's `'self' https://*.vscode-cdn.net`), which
 * html.ts validates before it goes into the policy. Pure, unit-tested.
 */
import { randomBytes } from "node:crypto";
import { type PersistedSnapshot, isCspSourceList, renderPanelHtml } from "../../../webview-pyodide/src/html";

export { isCspSourceList };

export interface PanelUris {
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly assetsBaseUri: string;
  /** Where the page should offer a snapshot it makes; none: it offers none. */
  readonly snapshotKey?: string;
  /** A checked snapshot from an earlier session. */
  readonly persistedSnapshot?: PersistedSnapshot;
}

/**
 * The caps of each output stream a cell shows (agentcode.panel.outputCapLines / outputCapKiB), and the memory the
 * interpreters may keep while the panel is hidden (agentcode.panel.hiddenMemoryMiB).
 */
export interface PanelCaps {
  readonly outputCapLines: number;
  readonly outputCapKiB: number;
  readonly hiddenMemoryMiB?: number;
}

export function newNonce(): string {
  return randomBytes(18).toString("base64");
}

/** Renders the panel document; throws when cspSource is not a plain source list (never expected from VS Code). */
export function panelHtml(cspSource: string, uris: PanelUris, nonce: string = newNonce(), caps?: PanelCaps): string {
  return renderPanelHtml({
    cspSource,
    nonce,
    scriptUri: uris.scriptUri,
    styleUri: uris.styleUri,
    assetsBaseUri: uris.assetsBaseUri,
    snapshotKey: uris.snapshotKey,
    persistedSnapshot: uris.persistedSnapshot,
    loadTimeoutMs: 180_000,
    outputCapLines: caps?.outputCapLines,
    outputCapChars: caps === undefined ? undefined : caps.outputCapKiB * 1024,
    hiddenMemoryMiB: caps?.hiddenMemoryMiB,
    title: "AgentCode Sandbox",
  });
}
