/**
 * Export of the session as a Jupyter notebook (nbformat 4.5): per cell a markdown cell with the prompt and a
 * code cell with the code and its outputs: stdout/stderr as stream outputs, each output of the output contract
 * (charts, images, HTML, Markdown, JSON, text, /output files) as display_data with its MIME bundle, so JupyterLab
 * draws the same chart, a passed output cap as a stderr line, and a failure as an error output. Pure, no `vscode`;
 * the command asks where to save.
 */
import { type Output, outputType } from "../../../webview-pyodide/src/protocol";
import { outputKindName, outputLabel } from "../output_names";
import type { SessionCell } from "../session";

type MultilineString = string[];

export type NotebookOutput =
  | { readonly output_type: "stream"; readonly name: "stdout" | "stderr"; readonly text: MultilineString }
  | {
      readonly output_type: "display_data";
      /** MIME type -> value: multiline text, base64 (PNG) or a JSON value (Vega-Lite, JSON). */
      readonly data: Readonly<Record<string, unknown>>;
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

/** A JSON output's value (nbformat stores JSON MIME types as JSON, not text), or undefined when it does not parse. */
function jsonValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The output at `index` of its run as display_data: its MIME type with nbformat's encoding (a JSON value for
 * Vega-Lite and JSON, base64 for PNG, multiline text for the rest) plus a text/plain fallback naming it as the panel
 * does, and the /output file name in metadata.agentcode.name. A file outside the contract's types, or JSON that does
 * not parse, becomes a text/plain note only, since a notebook reader could not draw it.
 */
export function displayData(output: Output, index: number): NotebookOutput {
  const type = outputType(output.mime);
  const label = outputLabel(output, index);
  const metadata = output.name === undefined ? {} : { agentcode: { name: output.name } };
  const note = (text: string): NotebookOutput => ({ output_type: "display_data", data: { "text/plain": lines(text) }, metadata });
  if (type === undefined || type.kind === "file") return note(`[file ${label} (${output.mime}), kept in the AgentCode panel]`);
  let value: unknown;
  if (type.encoding === "base64") value = output.base64 ?? "";
  else if (type.encoding === "json") {
    value = jsonValue(output.text ?? "");
    if (value === undefined) return note(output.text ?? "");
  } else value = lines(output.text ?? "");
  if (output.mime === "text/plain") return { output_type: "display_data", data: { "text/plain": value }, metadata };
  return { output_type: "display_data", data: { [output.mime]: value, "text/plain": [`<${outputKindName(output)} ${label}>`] }, metadata };
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
      r.outputs.forEach((output, index) => outputs.push(displayData(output, index)));
      if (r.outputLimit !== undefined && r.outputLimit !== null) outputs.push({ output_type: "stream", name: "stderr", text: lines(`${r.outputLimit}\n`) });
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
