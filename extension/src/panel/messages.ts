/**
 * What the extension does with a message from the panel. Every payload is validated with webview-pyodide's
 * `parsePageMessage` first; anything malformed, or naming a cell this session does not know (for Fix), is
 * dropped with a log line, never acted on. Pure: returns a decision that panel.ts carries out.
 */
import { maxCodeLength, parsePageMessage, type FigureMime, type HostMessage, type OutputsSummary } from "../../../webview-pyodide/src/protocol";
import { checkFigure } from "./figures";
import type { CheckResultInfo } from "../lsp_ext";
import { type Session, type SessionCell, panelCapabilities, panelFindings } from "../session";

export type PanelAction =
  | { readonly kind: "ready" }
  | { readonly kind: "page-error"; readonly message: string }
  /** `cell` is undefined for a cell restored from an earlier session (the panel outlived the extension host). */
  | { readonly kind: "accept"; readonly id: string; readonly code: string; readonly cell: SessionCell | undefined }
  | { readonly kind: "reject"; readonly id: string; readonly cell: SessionCell | undefined }
  | { readonly kind: "fix"; readonly cell: SessionCell; readonly feedback: string }
  /** Check: the user edited the cell's code; the server checks it and the answer goes back to the panel. */
  | { readonly kind: "check"; readonly id: string; readonly code: string }
  /** `code` is the code that ran, when the page says (the user may have edited it in the cell). */
  | { readonly kind: "result"; readonly id: string; readonly summary: OutputsSummary; readonly code: string | undefined; readonly cell: SessionCell | undefined }
  /** The full output of one stream, to open in an editor. */
  | { readonly kind: "open-output"; readonly stream: "stdout" | "stderr"; readonly text: string }
  /** A figure whose bytes are the type it claims, to be saved where the user chooses. */
  | {
      readonly kind: "save-figure";
      readonly id: string;
      readonly name: string;
      readonly mime: FigureMime;
      readonly bytes: Uint8Array;
      readonly cell: SessionCell | undefined;
    }
  /** A figure the user asked to save whose bytes are not what the page claims: the user is told, nothing is written. */
  | { readonly kind: "figure-refused"; readonly name: string; readonly reason: string }
  /** The page's memory snapshot, made before any cell ran, to keep for later sessions under `key`. */
  | { readonly kind: "snapshot-save"; readonly key: string; readonly bytes: Uint8Array }
  | { readonly kind: "snapshot-rejected"; readonly key: string; readonly reason: string }
  | { readonly kind: "ignore"; readonly reason: string };

/** Largest code a cell/accept may carry: the panel protocol's bound, which parsePageMessage enforces. */
export const maxAcceptedCode = maxCodeLength;

export function decide(raw: unknown, session: Session): PanelAction {
  const parsed = parsePageMessage(raw);
  if (!parsed.ok) return { kind: "ignore", reason: `invalid panel message: ${parsed.error}` };
  const m = parsed.value;
  switch (m.type) {
    case "webview/ready":
      return { kind: "ready" };
    case "webview/error":
      return { kind: "page-error", message: m.message };
    case "cell/accept":
      return { kind: "accept", id: m.id, code: m.code, cell: session.get(m.id) };
    case "cell/reject":
      return { kind: "reject", id: m.id, cell: session.get(m.id) };
    case "cell/fix": {
      const cell = session.get(m.id);
      if (cell === undefined) return { kind: "ignore", reason: `cell/fix: unknown cell ${m.id} (from an earlier session)` };
      return { kind: "fix", cell, feedback: m.feedback };
    }
    case "cell/check":
      return { kind: "check", id: m.id, code: m.code };
    case "cell/result":
      return { kind: "result", id: m.id, summary: m.summary, code: m.code, cell: session.get(m.id) };
    case "snapshot/save":
      return { kind: "snapshot-save", key: m.key, bytes: new Uint8Array(m.bytes) };
    case "snapshot/rejected":
      return { kind: "snapshot-rejected", key: m.key, reason: m.reason };
    case "cell/openOutput":
      return { kind: "open-output", stream: m.stream, text: m.text };
    case "cell/saveFigure": {
      const figure = checkFigure(m.name, m.mime, m.base64);
      if (!figure.ok) return { kind: "figure-refused", name: m.name, reason: figure.reason };
      return { kind: "save-figure", id: m.id, name: m.name, mime: m.mime, bytes: figure.bytes, cell: session.get(m.id) };
    }
  }
}

/** The panel's answer to a Check: the server's findings and capability summary of exactly the code it checked. */
export function checkedMessage(id: string, code: string, result: CheckResultInfo): HostMessage {
  return { type: "cell/checked", id, code, findings: panelFindings(result), blocking: result.blocking, capabilities: panelCapabilities(result) };
}

/** The prompt sent to the model when the user asks to fix a cell. */
export function fixPrompt(cell: SessionCell, feedback: string): string {
  const note = feedback.trim() === "" ? "Please fix the problems in this code." : feedback.trim();
  return `${cell.prompt}\n\nA previous version of the code is below. Change it as follows: ${note}\n\n\`\`\`python\n${cell.code}\n\`\`\``;
}
