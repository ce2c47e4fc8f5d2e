/**
 * The generate flow: ask for a prompt (prefilled with the last one that did not succeed), settle the endpoint
 * (a workspace's own endpoint needs the user's Allow; an origin without a key asks for one), call
 * `agentcode/generate` under a cancellable progress notification that shows the server's progress and the
 * streamed reply, then open the result in the panel and run it there. Failures say what happened and offer
 * "Set API Key" / "Open Settings" / "Retry"; code from a failed generation can still be opened in the panel.
 */
import * as vscode from "vscode";
import { ProgressType, ResponseError } from "vscode-languageclient/node";
import type { OutputsSummary } from "../../../webview-pyodide/src/protocol";
import type { Ctx } from "../ctx";
import {
  errorCodes,
  methods,
  type GenerateContext,
  type GenerateParams,
  type GenerateProgress,
  type GenerateResult,
  type PreviousAttempt,
  type WorkDoneProgress,
} from "../lsp_ext";
import { GenerationProgress } from "./generation_progress";
import { fixPrompt } from "../panel/messages";
import { ServerUnavailable } from "../server/server";
import { attemptCauses, panelAttempts, panelCapabilities, panelFailureProblem, panelFindings, summaryOfServerRun, trialRunFindings, type SessionCell, type Target } from "../session";
import { isTrusted, restrictedExplanation } from "../settings/trust";
import { extensionOptions } from "../settings/config";
import { readDataFiles } from "../run/run_data";
import { errorMessage } from "../errors";

export interface GenerateInput {
  /** Sent to the model. */
  readonly prompt: string;
  /** Shown in the panel and the record (the user's words); defaults to `prompt`. */
  readonly displayPrompt?: string;
  readonly target: Target;
  readonly context: GenerateContext;
  readonly dataPaths: readonly string[];
  /** Earlier attempts of this generation to replay (a repair after the panel run failed). */
  readonly history?: readonly PreviousAttempt[];
  /** The attempt limit of the whole generation, history included (default: agentcode.generate.maxAttempts). */
  readonly maxAttempts?: number;
}

let requestCounter = 0;

function targetOf(editor: vscode.TextEditor | undefined): Target {
  if (editor === undefined || (editor.document.uri.scheme !== "file" && editor.document.uri.scheme !== "untitled")) {
    return { kind: "new-file" };
  }
  const s = editor.selection;
  return {
    kind: "editor",
    uri: editor.document.uri.toString(),
    range: { start: { line: s.start.line, character: s.start.character }, end: { line: s.end.line, character: s.end.character } },
  };
}

function contextOf(ctx: Ctx, editor: vscode.TextEditor | undefined, dataPaths: readonly string[]): GenerateContext {
  const doc = editor?.document;
  const selection = editor !== undefined && !editor.selection.isEmpty ? doc?.getText(editor.selection) : undefined;
  const activeFile = doc !== undefined && doc.languageId === "python" ? { uri: doc.uri.toString(), text: doc.getText() } : undefined;
  return { selection, activeFile, dataFiles: dataPaths.length > 0 ? [...dataPaths] : undefined, ...panelPackagesOf(ctx) };
}

/** The packages installed for the panel, when there are any: the model may use them, the trial run skips them. */
function panelPackagesOf(ctx: Ctx): Pick<GenerateContext, "panelPackages"> {
  const packages = ctx.packages.forServer();
  return packages.length > 0 ? { panelPackages: packages } : {};
}

/** `agentcode.generate`: optional args `{prompt?, dataFiles?: string[]}` skip the input box / add data. */
export async function generateCommand(ctx: Ctx, args?: { prompt?: string; dataFiles?: string[] }): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const target = targetOf(editor);
  const prompt =
    typeof args?.prompt === "string" && args.prompt.trim() !== ""
      ? args.prompt
      : await vscode.window.showInputBox({
          title: "AgentCode: Generate Python",
          prompt: "Describe the Python to write",
          placeHolder: "e.g. total sales per region from /data/sales.csv",
          value: ctx.pendingPrompt ?? "",
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() === "" ? "Describe what the code should do." : undefined),
        });
  if (prompt === undefined || prompt.trim() === "") return;
  const dataPaths = Array.isArray(args?.dataFiles) ? args.dataFiles.filter((p): p is string => typeof p === "string") : [];
  await generate(ctx, { prompt, target, context: contextOf(ctx, editor, dataPaths), dataPaths });
}

/** `agentcode.generateWithData`: pick data files first, then generate with them mounted at /data. */
export async function generateWithDataCommand(ctx: Ctx): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    canSelectFiles: true,
    canSelectFolders: false,
    openLabel: "Use as Data",
    title: "AgentCode: data files for the generated code (mounted read-only at /data)",
  });
  if (picked === undefined || picked.length === 0) return;
  await generateCommand(ctx, { dataFiles: picked.filter((u) => u.scheme === "file").map((u) => u.fsPath) });
}

/** Re-generates a panel cell with the user's feedback; the new version opens as a new cell. */
export async function fixCell(ctx: Ctx, cell: SessionCell, feedback: string): Promise<void> {
  await generate(ctx, {
    prompt: fixPrompt(cell, feedback),
    displayPrompt: feedback.trim() === "" ? `${cell.prompt} (fixed)` : `${cell.prompt} (fix: ${feedback.trim()})`,
    target: cell.target,
    context: { dataFiles: cell.dataPaths.length > 0 ? [...cell.dataPaths] : undefined, ...panelPackagesOf(ctx) },
    dataPaths: cell.dataPaths,
  });
}

type Outcome =
  | { readonly kind: "done"; readonly result: GenerateResult; readonly origin: string }
  | { readonly kind: "cancelled" }
  | { readonly kind: "rpc-error"; readonly code: number; readonly message: string }
  | { readonly kind: "unavailable"; readonly message: string };

async function request(ctx: Ctx, input: GenerateInput): Promise<Outcome> {
  // Before anything is sent: the workspace endpoint question and the key of the origin, then the server is told.
  const prepared = await ctx.endpoints.prepareGenerate();
  if (prepared.kind === "cancelled") return { kind: "cancelled" };
  if (prepared.kind === "invalid") return { kind: "rpc-error", code: errorCodes.configuration, message: prepared.message };
  const origin = prepared.endpoint.origin;
  let client;
  try {
    client = await ctx.server.client();
    await ctx.server.pushSettings();
  } catch (e) {
    return { kind: "unavailable", message: e instanceof ServerUnavailable ? e.message : errorMessage(e) };
  }
  requestCounter += 1;
  const workDoneToken = `agentcode-generate-${requestCounter}`;
  const partialResultToken = `${workDoneToken}-tokens`;
  const params: GenerateParams = {
    prompt: input.prompt,
    context: input.context,
    workDoneToken,
    partialResultToken,
    ...(input.history !== undefined && input.history.length > 0 ? { history: input.history, maxAttempts: maxAttemptsOf(input) } : {}),
  };
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "AgentCode: generating...", cancellable: true },
    async (progress, token): Promise<Outcome> => {
      let phase = "asking the model";
      let received = 0;
      // The same story in the panel, which opened when the generation started (not reopened if the user closed it).
      const inPanel = new GenerationProgress(
        workDoneToken,
        input.displayPrompt ?? input.prompt,
        (m) => ctx.panel.postIfOpen(m),
        (input.history?.length ?? 0) + 1,
      );
      const subs = [
        client.onProgress(new ProgressType<WorkDoneProgress>(), workDoneToken, (v) => {
          if (v.kind !== "end" && v.message !== undefined) {
            phase = v.message;
            progress.report({ message: phase });
            inPanel.step(phase);
          }
        }),
        client.onProgress(new ProgressType<GenerateProgress>(), partialResultToken, (v) => {
          if (v.kind === "token") {
            received += v.text.length;
            progress.report({ message: `${phase} (${received} characters received)` });
            inPanel.tokens(v.attempt, v.text.length);
          } else {
            ctx.output.info(`Attempt ${v.result.attempt}: ${v.result.error?.message ?? "ok"}`);
            inPanel.attemptDone(v.result);
          }
        }),
        { dispose: () => inPanel.end() },
      ];
      try {
        const result = await client.sendRequest<GenerateResult>(methods.generate, params, token);
        return { kind: "done", result, origin };
      } catch (e) {
        if (token.isCancellationRequested) return { kind: "cancelled" };
        if (e instanceof ResponseError) {
          if (e.code === errorCodes.requestCancelled) return { kind: "cancelled" };
          return { kind: "rpc-error", code: e.code, message: e.message };
        }
        return { kind: "rpc-error", code: 0, message: errorMessage(e) };
      } finally {
        for (const s of subs) s.dispose();
      }
    },
  );
}

/** Runs one generation and shows the outcome; the prompt is kept for a retry whenever it did not succeed. */
export async function generate(ctx: Ctx, input: GenerateInput): Promise<void> {
  const shown = input.displayPrompt ?? input.prompt;
  ctx.rememberPrompt(shown);
  ctx.pendingPrompt = input.displayPrompt === undefined ? input.prompt : undefined;
  ctx.output.info(`Generate: ${shown}`);
  // The panel (and so Python) starts now, while the model writes, so the code runs as soon as it arrives; the
  // editor keeps the focus.
  ctx.panel.show(true);
  const outcome = await request(ctx, input);
  const retry = async (): Promise<void> => {
    if (input.displayPrompt === undefined) await generateCommand(ctx);
    else await generate(ctx, input);
  };
  switch (outcome.kind) {
    case "unavailable":
      await offer(ctx, outcome.message, ["Show Log", "Restart Server"], retry);
      return;
    case "cancelled":
      ctx.output.info("Generation cancelled.");
      await offer(ctx, "Generation cancelled. Your prompt is kept for the next try.", ["Retry"], retry, "info");
      return;
    case "rpc-error": {
      ctx.output.warn(`Generate failed (${outcome.code}): ${outcome.message}`);
      const actions = outcome.code === errorCodes.configuration ? ["Set API Key", "Open Settings", "Retry"] : ["Retry", "Show Log"];
      await offer(ctx, outcome.message, actions, retry);
      return;
    }
    case "done":
      await done(ctx, input, outcome.result, outcome.origin, retry);
      return;
  }
}

async function done(ctx: Ctx, input: GenerateInput, result: GenerateResult, origin: string, retry: () => Promise<void>): Promise<void> {
  const code = result.final.code;
  const lastWithCode = [...result.attempts].reverse().find((a) => a.code !== undefined);
  const cell: SessionCell | undefined =
    code === undefined
      ? undefined
      : {
          id: ctx.session.nextId(),
          prompt: input.displayPrompt ?? input.prompt,
          code,
          model: result.model,
          findings: [...panelFindings(lastWithCode?.check), ...trialRunFindings(lastWithCode?.run)],
          capabilities: panelCapabilities(lastWithCode?.check),
          target: input.target,
          dataPaths: input.dataPaths,
          dataFiles: await readDataFiles(ctx, input.dataPaths),
          attempts: panelAttempts(result.attempts),
          server: result.final.ok ? "passed" : "failed",
          result: null,
          decision: null,
          panelOnly:
            lastWithCode?.run?.status === "skipped"
              ? {
                  modelPrompt: input.prompt,
                  context: input.context,
                  history: [
                    ...(input.history ?? []),
                    ...result.attempts.filter((a) => a !== lastWithCode).map((a) => ({ reply: a.reply, problem: a.error?.message ?? "The attempt failed." })),
                  ],
                  reply: lastWithCode.reply,
                  maxAttempts: maxAttemptsOf(input),
                  repairing: false,
                }
              : undefined,
        };
  // The server's trial run of the code the record names (none when its check blocked it, or when it was skipped
  // because the code needs a panel-only package: the panel's run is then recorded as the code's run).
  const trialRun = lastWithCode?.run?.status === "skipped" ? undefined : lastWithCode?.run;
  await ctx.record(
    "generate",
    cell ?? { id: ctx.session.nextId(), prompt: input.displayPrompt ?? input.prompt, model: result.model, code: "", findings: [] },
    trialRun === undefined ? null : summaryOfServerRun(trialRun),
    null,
    result.error?.kind ?? null,
    origin,
  );
  if (result.error === undefined && cell !== undefined) {
    ctx.pendingPrompt = undefined;
    open(ctx, cell);
    return;
  }
  const own = result.error?.message ?? "The model's reply had no Python code.";
  // The server's attempts-exhausted sentence names each attempt's cause itself; other failures get them here.
  const causes = result.error?.kind === "attempts-exhausted" ? "" : attemptCauses(result.attempts.slice(0, -1));
  const message = causes === "" ? own : `${own} Earlier: ${causes}`;
  ctx.output.warn(`Generation failed (${result.error?.kind ?? "no-code"}): ${message}`);
  const actions = result.error?.kind === "unauthorized" ? ["Set API Key", "Open Settings", "Retry"] : ["Retry", "Open Settings"];
  if (cell !== undefined) actions.unshift("Open in Panel");
  await offer(ctx, message, actions, retry, "error", () => {
    if (cell !== undefined) open(ctx, cell);
  });
}

function maxAttemptsOf(input: GenerateInput): number {
  const configured = vscode.workspace.getConfiguration("agentcode").get<number>("generate.maxAttempts");
  const n = input.maxAttempts ?? (typeof configured === "number" && configured > 0 ? configured : 3);
  return Math.min(10, Math.max(1, Math.floor(n)));
}

/**
 * Code whose server trial run was skipped (it needs a package installed for the panel only) failed in the panel:
 * the failure goes back to the model as the next attempt, with the attempts before it, as a failed trial run would.
 * Once per cell; when no attempt is left the user is told and can still use Ask to fix.
 */
export async function repairPanelFailure(ctx: Ctx, cell: SessionCell, summary: OutputsSummary): Promise<void> {
  const trial = cell.panelOnly;
  if (trial === undefined || trial.repairing || summary.status !== "error") return;
  trial.repairing = true;
  const history = [...trial.history, { reply: trial.reply, problem: panelFailureProblem(summary) }];
  if (history.length >= trial.maxAttempts) {
    ctx.output.warn(`The code failed in the panel and all ${trial.maxAttempts} attempts are used.`);
    void vscode.window.showWarningMessage(
      `AgentCode: the code failed in the panel, and all ${trial.maxAttempts} attempts of this generation are used. Use Ask to fix in the panel to try again.`,
    );
    return;
  }
  ctx.output.info(`Attempt ${history.length} failed in the panel; asking the model to repair it.`);
  await generate(ctx, {
    prompt: trial.modelPrompt,
    displayPrompt: `${cell.prompt} (repaired after the panel run failed)`,
    target: cell.target,
    context: trial.context,
    dataPaths: cell.dataPaths,
    history,
    maxAttempts: trial.maxAttempts,
  });
}

function open(ctx: Ctx, cell: SessionCell): void {
  ctx.session.add(cell);
  const runOnOpen = extensionOptions(vscode.workspace.getConfiguration("agentcode")).runOnOpen;
  const trusted = isTrusted();
  ctx.panel.addCell(cell, runOnOpen && trusted);
  if (runOnOpen && !trusted) void vscode.window.showInformationMessage(`AgentCode: ${restrictedExplanation}`);
}

/** Shows a message with actions and carries out the one chosen. */
async function offer(
  ctx: Ctx,
  message: string,
  actions: string[],
  retry: () => Promise<void>,
  level: "error" | "info" = "error",
  openInPanel?: () => void,
): Promise<void> {
  const text = message.startsWith("AgentCode") ? message : `AgentCode: ${message}`;
  const choice =
    level === "error" ? await vscode.window.showErrorMessage(text, ...actions) : await vscode.window.showInformationMessage(text, ...actions);
  switch (choice) {
    case "Retry":
      await retry();
      return;
    case "Set API Key":
      await vscode.commands.executeCommand("agentcode.setApiKey");
      return;
    case "Open Settings":
      await vscode.commands.executeCommand("workbench.action.openSettings", "agentcode.llm");
      return;
    case "Show Log":
      ctx.output.show(true);
      return;
    case "Restart Server":
      await ctx.server.restart();
      return;
    case "Open in Panel":
      openInPanel?.();
      return;
    default:
      return;
  }
}
