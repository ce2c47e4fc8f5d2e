/**
 * The server's check of code that becomes a panel cell without being generated (Run File's "Open in Panel", an
 * agent's code through `agentcode_runPython`): its findings and capability summary, so the cell says what the code
 * will touch before it runs, as a generated cell does. A check that cannot be made (no server, a slow one) leaves
 * the cell unchecked, with its Check button, and is only logged: it never stops the run.
 */
import type * as vscode from "vscode";
import type { Capabilities, Finding } from "../../../webview-pyodide/src/protocol";
import { methods, type CheckResultInfo } from "../lsp_ext";
import type { ServerHost } from "../server/server";
import { panelCapabilities, panelFindings } from "../session";
import { errorMessage } from "../errors";

/** How long a cell waits for the server's check before it goes to the panel unchecked. */
export const cellCheckTimeoutMs = 15_000;

/** What a check gives a cell. */
export interface CellCheck {
  readonly findings: Finding[];
  readonly capabilities: Capabilities | null;
}

/** The check of `code`, or undefined (logged) when the server could not give one in time. */
export async function checkForCell(
  env: { readonly server: Pick<ServerHost, "client">; readonly output: vscode.LogOutputChannel },
  code: string,
  label: string,
  timeoutMs = cellCheckTimeoutMs,
): Promise<CellCheck | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const client = await env.server.client();
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    const result = await Promise.race([client.sendRequest<CheckResultInfo>(methods.check, { code }), timeout]);
    return { findings: panelFindings(result), capabilities: panelCapabilities(result) };
  } catch (e) {
    env.output.warn(`${label} goes to the panel unchecked: the server could not check it (${errorMessage(e)}).`);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
