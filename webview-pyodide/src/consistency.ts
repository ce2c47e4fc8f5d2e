/**
 * The consistency check: the panel (Pyodide) and the server (WASI CPython) ran the same code; do they agree? A
 * difference in status, stdout or outputs is worth a user's attention (a program that behaves differently in the
 * two runtimes may behave differently again on the user's machine). Pure: no DOM.
 */

import type { Output, RunStatus, ServerRun } from "./protocol";

export interface Difference {
  /** What differs: "status", "stdout" or "outputs". */
  readonly what: "status" | "stdout" | "outputs";
  /** One sentence naming the difference. */
  readonly sentence: string;
  /** For stdout: both texts, for a line diff. */
  readonly server?: string;
  readonly panel?: string;
}

/** What the panel's run produced, as far as the comparison goes. */
export interface PanelRun {
  readonly status: RunStatus;
  readonly stdout: string;
  readonly outputs: readonly Output[];
}

/**
 * One output as compared: its type and name, and its content for text types. Images are compared by type and name
 * only, since the two runtimes' libraries encode the same picture with different bytes.
 */
function outputKey(o: Output): string {
  const content = o.mime.startsWith("image/") ? "" : (o.text ?? o.base64 ?? "");
  return `${o.mime}\u0000${o.name ?? ""}\u0000${content}`;
}

function describeOutputs(list: readonly Output[]): string {
  if (list.length === 0) return "no outputs";
  return list.map((o) => (o.name === undefined ? o.mime : `${o.name} (${o.mime})`)).join(", ");
}

/**
 * The differences between the server's trial run and the panel's run of the same code; empty when they agree or
 * when the panel's run says nothing comparable (stopped, or Python failed to start).
 */
export function compareRuns(server: ServerRun, panel: PanelRun): Difference[] {
  if (panel.status === "stopped" || panel.status === "failed") return [];
  const differences: Difference[] = [];
  if (server.status !== panel.status) {
    differences.push({ what: "status", sentence: `The server's trial run ended with '${server.status}', the panel's run with '${panel.status}'.` });
  }
  if (server.stdout !== panel.stdout) {
    differences.push({ what: "stdout", sentence: "The printed output differs (- server, + panel):", server: server.stdout, panel: panel.stdout });
  }
  const serverKeys = server.outputs.map(outputKey);
  const panelKeys = panel.outputs.map(outputKey);
  if (serverKeys.length !== panelKeys.length || serverKeys.some((k, i) => k !== panelKeys[i])) {
    differences.push({
      what: "outputs",
      sentence: `The outputs differ: the server's run produced ${describeOutputs(server.outputs)}; the panel's run ${describeOutputs(panel.outputs)}.`,
    });
  }
  return differences;
}
