/**
 * Text for sandbox run results: the full report written to the output channel and the one-line summary shown in
 * a notification. Both name every output the run produced (charts, images, HTML, files under /output), so a
 * server run's outputs are never dropped silently; the report also shows the text of text and Markdown outputs. Pure, unit-tested.
 */
import type { RunOutputInfo, RunResultInfo } from "../lsp_ext";
import { describeOutputs, outputBytes, outputKindName, outputLabel } from "../output_names";

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** "; 1 output: chart-1 (Vega-Lite chart)" or nothing. */
function outputsClause(r: RunResultInfo): string {
  const text = describeOutputs(r.outputs);
  return text === "" ? "" : `; ${text}`;
}

/**
 * For a run that failed with FileNotFoundError under /data: how to attach data ("Run File with Data…" or the
 * agentcode.run.dataFiles setting); undefined otherwise.
 */
export function missingDataHint(r: RunResultInfo): string | undefined {
  const e = r.error;
  if (e === undefined || e.type !== "FileNotFoundError") return undefined;
  const match = /'(\/data\/[^']*)'/.exec(e.message) ?? /(\/data\/\S+)/.exec(e.message);
  if (match === null) return undefined;
  return `No data file is attached at ${match[1]}: use 'AgentCode: Run File with Data…' or the agentcode.run.dataFiles setting to mount one.`;
}

export function runSummaryLine(label: string, r: RunResultInfo): string {
  switch (r.status) {
    case "ok": {
      const lines = r.stdout === "" ? 0 : r.stdout.replace(/\n$/, "").split("\n").length;
      return `${label} ran in ${seconds(r.elapsedMs)}: ${lines} line${lines === 1 ? "" : "s"} of output${outputsClause(r)}.`;
    }
    case "error": {
      const failure =
        r.error !== undefined
          ? `${label} failed${r.error.line !== undefined ? ` at line ${r.error.line}` : ""}: ${r.error.type}: ${r.error.message}`
          : `${label} failed: ${r.message ?? "error"}`;
      return `${failure}${outputsClause(r)}`;
    }
    default:
      return `${label} stopped (${r.status}): ${r.message ?? r.status}${outputsClause(r)}`;
  }
}

/** Text outputs longer than this are cut in the report (the panel and the notebook have them whole). */
const maxReportedText = 4000;

function reportLine(output: RunOutputInfo, index: number): string {
  const head = `${outputLabel(output, index)} (${outputKindName(output)}, ${output.mime}, ${outputBytes(output)} bytes)`;
  if (output.mime !== "text/plain" && output.mime !== "text/markdown") return head;
  const text = (output.text ?? "").replace(/\n$/, "");
  return `${head}\n${text.length <= maxReportedText ? text : `${text.slice(0, maxReportedText)}…`}`;
}

export function formatRunOutput(label: string, r: RunResultInfo): string {
  const parts = [`Run of ${label}: ${r.status} in ${seconds(r.elapsedMs)}`];
  if (r.stdout !== "") parts.push(`--- stdout ---\n${r.stdout.replace(/\n$/, "")}`);
  if (r.stderr !== "") parts.push(`--- stderr ---\n${r.stderr.replace(/\n$/, "")}`);
  const outputs = r.outputs;
  if (outputs.length > 0) {
    parts.push(`--- outputs (Open in Panel to see charts and images) ---\n${outputs.map(reportLine).join("\n")}`);
  }
  if (r.error !== undefined) parts.push(`--- error ---\n${r.error.traceback !== "" ? r.error.traceback.replace(/\n$/, "") : `${r.error.type}: ${r.error.message}`}`);
  else if (r.message !== undefined) parts.push(r.message);
  return parts.join("\n");
}
