/**
 * Text for sandbox run results: the full report written to the output channel and the one-line summary shown in
 * a notification. Pure, unit-tested.
 */
import type { RunResultInfo } from "./lsp_ext";

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

export function runSummaryLine(label: string, r: RunResultInfo): string {
  switch (r.status) {
    case "ok": {
      const lines = r.stdout === "" ? 0 : r.stdout.replace(/\n$/, "").split("\n").length;
      return `${label} ran in ${seconds(r.elapsedMs)}: ${lines} line${lines === 1 ? "" : "s"} of output.`;
    }
    case "error":
      return r.error !== undefined
        ? `${label} failed${r.error.line !== undefined ? ` at line ${r.error.line}` : ""}: ${r.error.type}: ${r.error.message}`
        : `${label} failed: ${r.message ?? "error"}`;
    default:
      return `${label} stopped (${r.status}): ${r.message ?? r.status}`;
  }
}

export function formatRunOutput(label: string, r: RunResultInfo): string {
  const parts = [`Run of ${label}: ${r.status} in ${seconds(r.elapsedMs)}`];
  if (r.stdout !== "") parts.push(`--- stdout ---\n${r.stdout.replace(/\n$/, "")}`);
  if (r.stderr !== "") parts.push(`--- stderr ---\n${r.stderr.replace(/\n$/, "")}`);
  if (r.error !== undefined) parts.push(`--- error ---\n${r.error.traceback !== "" ? r.error.traceback.replace(/\n$/, "") : `${r.error.type}: ${r.error.message}`}`);
  else if (r.message !== undefined) parts.push(r.message);
  return parts.join("\n");
}
