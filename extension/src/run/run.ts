/**
 * Run File / Run Selection / Run Cell in the server's sandbox (`agentcode/run`) and Check File
 * (`agentcode/check`): cancellable progress, the full output in the "AgentCode" channel, a one-line notification
 * summary naming the run's outputs, with "Open in Panel" (re-runs the code in the Pyodide panel, with the same data
 * files, which draws its charts and images; offered first when the run produced any) and "Show Output". Runs ask first in an untrusted
 * workspace.
 */
import * as vscode from "vscode";
import type { Ctx } from "../ctx";
import { cellAt } from "./cells";
import { methods, type CheckResultInfo, type RunCellArgs, type RunParams, type RunResultInfo } from "../lsp_ext";
import { panelFindings, summaryOfServerRun, type SessionCell } from "../session";
import { confirmRunWhenUntrusted } from "../settings/trust";
import { runSummaryLine, formatRunOutput } from "./run_format";
import { hasVisualOutputs } from "../output_names";
import { errorMessage } from "../errors";
import { pickRunData, readDataFiles, runDataPaths } from "./run_data";
import { missingDataHint } from "./run_format";
import { checkForCell, checkWithin, postWhenChecked } from "./cell_check";

interface RunSource {
  readonly label: string;
  readonly code: string;
  readonly uri: vscode.Uri;
  readonly range: vscode.Range;
}

function activePython(): vscode.TextEditor | undefined {
  const e = vscode.window.activeTextEditor;
  if (e === undefined) {
    void vscode.window.showWarningMessage("AgentCode: open a Python file first.");
    return undefined;
  }
  return e;
}

async function runSource(ctx: Ctx, src: RunSource): Promise<void> {
  if (src.code.trim() === "") {
    void vscode.window.showInformationMessage(`AgentCode: ${src.label} is empty; nothing to run.`);
    return;
  }
  if (!(await confirmRunWhenUntrusted(src.label))) return;
  let result: RunResultInfo | undefined;
  const data = runDataPaths(ctx);
  // The check runs beside the run; its findings and capability summary go with the cell to the panel.
  const checking = checkForCell(ctx, src.code, src.label);
  try {
    const client = await ctx.server.client();
    const params: RunParams = data.length > 0 ? { code: src.code, data } : { code: src.code };
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `AgentCode: running ${src.label} in the sandbox...`, cancellable: true },
      (_p, token) => client.sendRequest<RunResultInfo>(methods.run, params, token),
    );
  } catch (e) {
    const message = errorMessage(e);
    ctx.output.warn(`Run of ${src.label} did not complete: ${message}`);
    if (!/cancel/i.test(message)) void vscode.window.showErrorMessage(`AgentCode: ${message}`, "Show Log").then((c) => c && ctx.output.show(true));
    return;
  }
  ctx.output.info(formatRunOutput(src.label, result));
  const cell: SessionCell = {
    id: ctx.session.nextId(),
    prompt: `Run ${src.label}`,
    code: src.code,
    model: null,
    findings: [],
    target: { kind: "editor", uri: src.uri.toString(), range: rangeOf(src.range) },
    dataPaths: data,
    dataFiles: [],
    attempts: [],
    server: "none",
    result: summaryOfServerRun(result),
    decision: null,
  };
  ctx.session.add(cell);
  await ctx.record("run", cell, cell.result, null);
  const show = result.status === "ok" ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  // Charts and images cannot be shown in the output channel: the panel comes first then.
  const actions = hasVisualOutputs(result.outputs) ? ["Open in Panel", "Show Output"] : ["Show Output", "Open in Panel"];
  // A program that looked for a data file nobody attached is told how to attach one.
  const hint = missingDataHint(result);
  if (hint !== undefined) actions.unshift("Run with Data…");
  const choice = await show(`AgentCode: ${runSummaryLine(src.label, result)}${hint === undefined ? "" : ` ${hint}`}`, ...actions);
  if (choice === "Run with Data…") {
    if ((await pickRunData(ctx)) !== undefined) await runSource(ctx, src);
    return;
  }
  if (choice === "Show Output") ctx.output.show(true);
  // The panel runs the code again with the same data files, read only when the user asks for the panel.
  if (choice === "Open in Panel") {
    const dataFiles = data.length > 0 ? await readDataFiles(ctx, data) : cell.dataFiles;
    const checked = await checkWithin(checking);
    ctx.panel.addCell({ ...cell, dataFiles, findings: checked?.findings ?? [], capabilities: checked?.capabilities ?? null }, true);
    if (checked === undefined) postWhenChecked(checking, cell, (m) => ctx.panel.post(m));
  }
}

function rangeOf(r: vscode.Range): RunCellArgs["range"] {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}

function baseName(uri: vscode.Uri): string {
  return uri.path.split("/").pop() ?? uri.toString();
}

/** The document a file command works on: the code lens's file when it passes a URI, else the active editor's. */
async function fileDocument(arg: unknown): Promise<vscode.TextDocument | undefined> {
  if (arg instanceof vscode.Uri) return vscode.workspace.openTextDocument(arg);
  return activePython()?.document;
}

/** Run File: the active editor's file (or the code lens's), with the data files this workspace remembers. */
export async function runFileCommand(ctx: Ctx, arg?: unknown): Promise<void> {
  const doc = await fileDocument(arg);
  if (doc === undefined) return;
  const range = new vscode.Range(0, 0, doc.lineCount, 0);
  await runSource(ctx, { label: baseName(doc.uri), code: doc.getText(), uri: doc.uri, range: doc.validateRange(range) });
}

/** "Run File with Data…" (also the "Run with data…" code lens): picks data files, remembered for this workspace, then runs the file with them. */
export async function runFileWithDataCommand(ctx: Ctx, arg?: unknown): Promise<void> {
  const doc = await fileDocument(arg);
  if (doc === undefined) return;
  if ((await pickRunData(ctx)) === undefined) return;
  await runFileCommand(ctx, doc.uri);
}

export async function runSelectionCommand(ctx: Ctx): Promise<void> {
  const e = activePython();
  if (e === undefined) return;
  if (e.selection.isEmpty) {
    void vscode.window.showInformationMessage("AgentCode: select some code first (or use Run File / Run Cell).");
    return;
  }
  await runSource(ctx, { label: `the selection in ${baseName(e.document.uri)}`, code: e.document.getText(e.selection), uri: e.document.uri, range: e.selection });
}

function isRunCellArgs(x: unknown): x is RunCellArgs {
  if (typeof x !== "object" || x === null) return false;
  const o = x as { uri?: unknown; range?: { start?: { line?: unknown; character?: unknown }; end?: { line?: unknown; character?: unknown } } };
  return (
    typeof o.uri === "string" &&
    typeof o.range?.start?.line === "number" &&
    typeof o.range.start.character === "number" &&
    typeof o.range.end?.line === "number" &&
    typeof o.range.end.character === "number"
  );
}

/** From a code lens: `[{uri, range}]`; from the palette: the `# %%` cell at the cursor. */
export async function runCellCommand(ctx: Ctx, arg?: unknown): Promise<void> {
  if (isRunCellArgs(arg)) {
    const uri = vscode.Uri.parse(arg.uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    const range = doc.validateRange(new vscode.Range(arg.range.start.line, arg.range.start.character, arg.range.end.line, arg.range.end.character));
    const label = range.start.line === 0 && range.end.line >= doc.lineCount - 1 ? baseName(uri) : `the cell at line ${range.start.line + 1} of ${baseName(uri)}`;
    await runSource(ctx, { label, code: doc.getText(range), uri, range });
    return;
  }
  const e = activePython();
  if (e === undefined) return;
  const doc = e.document;
  const cell = cellAt(doc.getText(), e.selection.active.line);
  const range = doc.validateRange(new vscode.Range(cell.start, 0, cell.end, 0));
  await runSource(ctx, { label: `the cell at line ${cell.start + 1} of ${baseName(doc.uri)}`, code: doc.getText(range), uri: doc.uri, range });
}

export async function checkFileCommand(ctx: Ctx): Promise<void> {
  const e = activePython();
  if (e === undefined) return;
  let result: CheckResultInfo;
  try {
    const client = await ctx.server.client();
    result = await client.sendRequest<CheckResultInfo>(methods.check, { code: e.document.getText() }, undefined);
  } catch (err) {
    void vscode.window.showErrorMessage(`AgentCode: ${errorMessage(err)}`);
    return;
  }
  const findings = panelFindings(result);
  const name = baseName(e.document.uri);
  ctx.output.info(
    `Check of ${name}: ${findings.length === 0 ? "no findings" : findings.map((f) => `\n  line ${(f.line ?? 0) + 1}: ${f.ruleId} (${f.severity}) ${f.message}`).join("")}`,
  );
  const summary =
    findings.length === 0
      ? `${name}: no problems found.`
      : `${name}: ${findings.length} finding${findings.length === 1 ? "" : "s"}${result.blocking ? ", blocking" : ""} (see the Problems view).`;
  const choice = await vscode.window.showInformationMessage(`AgentCode: ${summary}`, "Show Problems");
  if (choice === "Show Problems") await vscode.commands.executeCommand("workbench.actions.view.problems");
}
