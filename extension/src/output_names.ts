/**
 * How the extension names a run's outputs to the user: a file keeps its path under /output, a displayed output is
 * named by its position (`chart-N` for a Vega-Lite chart, `output-N` otherwise, as the panel's captions and
 * `agentcode run --output-dir` name them), with a short kind ("Vega-Lite chart", "SVG image") and a one-line list
 * for notifications. Pure, no `vscode`.
 */
import { outputType } from "../../webview-pyodide/src/protocol";
import type { RunOutputInfo } from "./lsp_ext";

/** The name of the output at `index` (0-based) of its run's list: `/output/NAME`, `chart-N` or `output-N`. */
export function outputLabel(output: RunOutputInfo, index: number): string {
  if (output.name !== undefined) return `/output/${output.name}`;
  return outputType(output.mime)?.kind === "vega-lite" ? `chart-${index + 1}` : `output-${index + 1}`;
}

const kindNames: Readonly<Record<string, string>> = {
  "image/svg+xml": "SVG image",
  "image/png": "PNG image",
  "text/html": "HTML",
  "text/markdown": "Markdown",
  "application/json": "JSON",
  "text/plain": "text",
};

/** What the output is, in a few words: "Vega-Lite chart", "SVG image", "file" for a type outside the contract. */
export function outputKindName(output: RunOutputInfo): string {
  const type = outputType(output.mime);
  if (type === undefined || type.kind === "file") return "file";
  if (type.kind === "vega-lite") return "Vega-Lite chart";
  return kindNames[output.mime] ?? output.mime;
}

/** The size of the output's content in bytes: the decoded base64, or the UTF-8 of its text. */
export function outputBytes(output: RunOutputInfo): number {
  if (output.base64 !== undefined) return Buffer.from(output.base64, "base64").length;
  return Buffer.byteLength(output.text ?? "", "utf8");
}

/** How many outputs are named in a one-line list before "and N more". */
const listed = 5;

/** "2 outputs: chart-1 (Vega-Lite chart), /output/table.html (HTML)"; empty for no outputs. */
export function describeOutputs(outputs: readonly RunOutputInfo[]): string {
  if (outputs.length === 0) return "";
  const names = outputs.slice(0, listed).map((o, i) => `${outputLabel(o, i)} (${outputKindName(o)})`);
  const more = outputs.length > listed ? `, and ${outputs.length - listed} more` : "";
  return `${outputs.length} output${outputs.length === 1 ? "" : "s"}: ${names.join(", ")}${more}`;
}

/** Whether a person needs the panel to see the outputs: a chart, an image, HTML or Markdown. */
export function hasVisualOutputs(outputs: readonly RunOutputInfo[]): boolean {
  return outputs.some((o) => {
    const kind = outputType(o.mime)?.kind;
    return kind === "vega-lite" || kind === "image" || kind === "html" || kind === "markdown";
  });
}
