/**
 * Export of the session as a Jupyter notebook (nbformat 4.5): per cell a markdown cell with the prompt and a
 * code cell with the code and its outputs: stdout/stderr as stream outputs, each output of the output contract
 * (charts, images, HTML, Markdown, JSON, text, /output files) as display_data with its MIME bundle, so JupyterLab
 * draws the same chart, and a failure as an error output. Pure, no `vscode`; the command asks where to save.
 */
import { type Output, outputType } from "../../webview-pyodide/src/protocol";
import type { SessionCell } from "./session";

type MultilineString = string[];

export type NotebookOutput =
  | { readonly output_type: "stream"; readonly name: "stdout" | "stderr"; readonly text: MultilineString }
  | {
      readonly output_type: "execute_result";
      readonly execution_count: number;
      readonly data: { readonly "text/plain": MultilineString };
      readonly metadata: Record<string, never>;
    }
  | {
      readonly output_type: "display_data";
      readonly data: Readonly<Record<string, MultilineString | string | unknown>>;
      readonly metadata: Record<string, unknown>;
    }
  | { readonly output_type: "error"; readonly ename: string; readonly evalue: string; readonly traceback: string[] };

export type NotebookCell =
  | { readonly cell_type: "markdown"; readonly id: string; readonly metadata: Record<string, unknown>; readonly source: MultilineString }
  | {
      readonly cell_type: "code";
      readonly id: string;
      readonly metadata: Record<string, unknown>;
      readonly source: MultilineString;
      readonly execution_count: number | null;
      readonly outputs: NotebookOutput[];
    };

export interface Notebook {
  readonly nbformat: 4;
  readonly nbformat_minor: 5;
  readonly metadata: {
    readonly kernelspec: { readonly name: string; readonly display_name: string; readonly language: string };
    readonly language_info: { readonly name: string };
  };
  readonly cells: NotebookCell[];
}

/** Splits text into lines that keep their "\n", as nbformat stores multiline strings. */
export function lines(text: string): string[] {
  if (text === "") return [];
  const parts = text.split(/(?<=\n)/);
  return parts;
}

/** nbformat cell ids: 1-64 characters of letters, digits, '-' and '_'. */
function cellId(id: string, suffix: string): string {
  const clean = id.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 60);
  return `${clean === "" ? "cell" : clean}-${suffix}`;
}

function errorOutput(error: string): NotebookOutput {
  const last = error.trimEnd().split("\n").at(-1) ?? error;
  const m = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/.exec(last);
  return {
    output_type: "error",
    ename: m?.[1] ?? "Error",
    evalue: m?.[2] ?? last,
    traceback: error.trimEnd().split("\n"),
  };
}

/** One output as display_data: its MIME type with nbformat's encoding of it, plus a text/plain fallback. */
export function displayData(output: Output): NotebookOutput {
  const type = outputType(output.mime);
  const label = output.name === undefined ? output.mime : `/output/${output.name}`;
  const metadata = output.name === undefined ? {} : { agentcode: { name: output.name } };
  if (type === undefined || type.kind === "file") {
    return { output_type: "display_data", data: { "text/plain": [`[file ${label}, kept in the AgentCode panel]`] }, metadata };
  }
  let value: MultilineString | string | unknown;
  if (type.encoding === "base64") value = output.base64 ?? "";
  else if (type.encoding === "json") {
    try {
      value = JSON.parse(output.text ?? "null");
    } catch {
      value = output.text ?? "";
    }
  } else value = lines(output.text ?? "");
  const data: Record<string, MultilineString | string | unknown> = { [output.mime]: value };
  if (output.mime !== "text/plain") data["text/plain"] = [type.kind === "vega-lite" ? `<Vega-Lite chart: ${label}>` : `<${label}>`];
  return { output_type: "display_data", data, metadata };
}

export function toNotebook(cells: readonly SessionCell[]): Notebook {
  const out: NotebookCell[] = [];
  let count = 0;
  for (const cell of cells) {
    const decision = cell.decision === null ? "" : ` (${cell.decision === "accept" ? "accepted" : cell.decision === "reject" ? "rejected" : "sent back for a fix"})`;
    out.push({
      cell_type: "markdown",
      id: cellId(cell.id, "prompt"),
      metadata: {},
      source: lines(`**Prompt**${decision}: ${cell.prompt}`),
    });
    const outputs: NotebookOutput[] = [];
    const r = cell.result;
    let executionCount: number | null = null;
    if (r !== null) {
      count += 1;
      executionCount = count;
      if (r.stdout !== "") outputs.push({ output_type: "stream", name: "stdout", text: lines(r.stdout) });
      if (r.stderr !== "") outputs.push({ output_type: "stream", name: "stderr", text: lines(r.stderr) });
      for (const output of r.outputs) outputs.push(displayData(output));
      if (r.error !== null) outputs.push(errorOutput(r.error));
    }
    out.push({
      cell_type: "code",
      id: cellId(cell.id, "code"),
      metadata: { agentcode: { model: cell.model, status: r?.status ?? null } },
      source: lines(cell.code),
      execution_count: executionCount,
      outputs,
    });
  }
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "python3", display_name: "Python 3", language: "python" },
      language_info: { name: "python" },
    },
    cells: out,
  };
}

export function notebookJson(cells: readonly SessionCell[]): string {
  return `${JSON.stringify(toNotebook(cells), null, 1)}\n`;
}
