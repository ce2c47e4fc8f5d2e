/**
 * The server's check of code that becomes a panel cell without being generated (Run File's "Open in Panel", an
 * agent's code through `agentcode_runPython`): its findings and capability summary, so the cell says what the code
 * will touch, as a generated cell does. A check never holds a run back: what is not there in time goes to the panel
 * later as `cell/checked`, and a check that cannot be made (no server) leaves the cell unchecked, with its Check
 * button, and is only logged.
 */
import type * as vscode from "vscode";
import type { Capabilities, Finding, HostMessage } from "../../../webview-pyodide/src/protocol";
import { checkedMessage } from "../panel/messages";
import { methods, type CheckResultInfo } from "../lsp_ext";
import type { ServerHost } from "../server/server";
import { panelCapabilities, panelFindings } from "../session";
import { errorMessage } from "../errors";

/** How long a confirmation or a cell waits for the server's check before it goes on without it. */
export const cellCheckWaitMs = 15_000;

/** What a check gives a cell. */
export interface CellCheck {
  readonly findings: Finding[];
  readonly capabilities: Capabilities | null;
  /** The server's answer, for a `cell/checked` message. */
  readonly result: CheckResultInfo;
}

/** Checks `code`; resolves undefined (logged) when the server cannot check it, never rejects. */
export async function checkForCell(
  env: { readonly server: Pick<ServerHost, "client">; readonly output: vscode.LogOutputChannel },
  code: string,
  label: string,
): Promise<CellCheck | undefined> {
  try {
    const client = await env.server.client();
    const result = await client.sendRequest<CheckResultInfo>(methods.check, { code });
    return { findings: panelFindings(result), capabilities: panelCapabilities(result), result };
  } catch (e) {
    env.output.warn(`${label} goes to the panel unchecked: the server could not check it (${errorMessage(e)}).`);
    return undefined;
  }
}

/** The check when it is there within `ms` and before `token` is cancelled, else undefined (the check itself goes on). */
export async function checkWithin(
  check: Promise<CellCheck | undefined>,
  ms = cellCheckWaitMs,
  token?: Pick<vscode.CancellationToken, "onCancellationRequested" | "isCancellationRequested">,
): Promise<CellCheck | undefined> {
  if (token?.isCancellationRequested === true) return undefined;
  let timer: NodeJS.Timeout | undefined;
  let cancelled: { dispose(): void } | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    cancelled = token?.onCancellationRequested(() => resolve(undefined));
  });
  try {
    return await Promise.race([check, late]);
  } finally {
    clearTimeout(timer);
    cancelled?.dispose();
  }
}

/**
 * For a cell that reached the panel before its check: posts the check as `cell/checked` (the answer Check gives)
 * once the server answers. Call it after the cell's `cell/add`.
 */
export function postWhenChecked(check: Promise<CellCheck | undefined>, cell: { readonly id: string; readonly code: string }, post: (message: HostMessage) => void): void {
  void check.then((late) => {
    if (late !== undefined) post(checkedMessage(cell.id, cell.code, late.result));
  });
}
