/**
 * The `agentcode_runPython` language-model tool (package.json `languageModelTools`): an agent in VS Code sends
 * Python, the confirmation shows the capability summary and the code, and the code runs as a new cell of the
 * review panel, in Pyodide on the client side. The tool result is the panel's result (status, stdout, stderr, the
 * error, the outputs' names); the user sees the cell with its outputs and can Accept or Reject it like generated
 * code, and the panel's result goes to the run record as any run. In Restricted Mode every run also needs the
 * user's click in a modal, which "always allow" in chat cannot skip.
 */
import * as vscode from "vscode";
import { confirmationMarkdown, parseRunPythonInput, toolResultText, type RunPythonInput } from "./agent_tool_text";
import type { Ctx } from "./ctx";
import type { SessionCell } from "./session";
import { confirmRunWhenUntrusted } from "./trust";

export const runPythonToolName = "agentcode_runPython";

/** The prompt the panel and the run record show for a cell an agent sent. */
export const agentCellPrompt = "Sent by an agent (agentcode_runPython)";

export function registerAgentTool(ctx: Ctx): vscode.Disposable {
  return vscode.lm.registerTool<RunPythonInput>(runPythonToolName, {
    prepareInvocation(options) {
      const parsed = parseRunPythonInput(options.input);
      return {
        invocationMessage: "Running Python in the AgentCode Sandbox panel",
        confirmationMessages: {
          title: "Run the agent's Python in the AgentCode Sandbox?",
          message: new vscode.MarkdownString(parsed.ok ? confirmationMarkdown(parsed.value.code) : parsed.message),
        },
      };
    },
    async invoke(options, token) {
      const parsed = parseRunPythonInput(options.input);
      if (!parsed.ok) throw new Error(parsed.message);
      if (!(await confirmRunWhenUntrusted("the agent's code"))) {
        throw new Error("The user did not allow this run: the workspace is in Restricted Mode and each run needs their click.");
      }
      const cell: SessionCell = {
        id: ctx.session.nextId(),
        prompt: agentCellPrompt,
        code: parsed.value.code,
        model: null,
        findings: [],
        target: { kind: "new-file" },
        dataPaths: [],
        dataFiles: [],
        result: null,
        decision: null,
      };
      ctx.session.add(cell);
      ctx.output.info(`agentcode_runPython: running cell ${cell.id} in the panel.`);
      const summary = await ctx.panel.runCell(cell, token);
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(toolResultText(summary))]);
    },
  });
}
