/**
 * The words of the `agentcode_runPython` language-model tool: the capability summary its confirmation shows
 * (from the output contract, contract/contract.json, the file both sandboxes load) and the text result the agent
 * gets back from the panel's run. Pure (no `vscode`), so it is unit-tested.
 */
import { capabilityLine, outputContract, type Capabilities, type Finding, type OutputsSummary } from "../../../webview-pyodide/src/protocol";

/** The input the tool accepts (package.json `languageModelTools[0].inputSchema` says the same). */
export interface RunPythonInput {
  readonly code: string;
}

/** The largest program the tool takes, in characters. */
export const maxToolCode = 1024 * 1024;

/** The input, or a sentence saying what is wrong with it. */
export function parseRunPythonInput(input: unknown): { ok: true; value: RunPythonInput } | { ok: false; message: string } {
  const code = typeof input === "object" && input !== null ? (input as { code?: unknown }).code : undefined;
  if (typeof code !== "string" || code.trim() === "") {
    return { ok: false, message: 'agentcode_runPython needs {"code": "<Python source>"}: a non-empty string of Python.' };
  }
  if (code.length > maxToolCode) return { ok: false, message: `The program is longer than ${maxToolCode} characters; send a shorter one.` };
  return { ok: true, value: { code } };
}

/** What the user reads before allowing a run: where it runs and what the program gets (Markdown). */
export function capabilitySummary(): string {
  const c = outputContract;
  return [
    "The agent's program runs in the **AgentCode Sandbox** panel: Pyodide in a Web Worker inside VS Code's sandboxed webview, not on your machine's Python.",
    "",
    `- Python ${c.pythonVersion}, standard library only; no network, no subprocesses, no access to your files.`,
    `- Rich outputs (${c.displayApi.join(", ")}; Vega-Lite charts, images, HTML) and files under \`${c.outputDir}\` are shown in the panel, at most ${c.caps.outputFiles} files and ${Math.round(c.caps.outputBytes / 1024 / 1024)} MiB.`,
    "- Its stdout, stderr, error and a list of its outputs go back to the agent. Accept or Reject it in the panel as any generated code.",
  ].join("\n");
}

/** What the server's check said of this program; absent when it could not check it. */
export interface ProgramCheck {
  readonly capabilities: Capabilities | null;
  readonly findings: readonly Finding[];
}

/**
 * Text from the program (paths, messages) as literal Markdown: no link, autolink, emphasis or HTML of its own. Every
 * ASCII punctuation character is escaped, `:` and `@` included, so that neither `http://...` nor `user@host` is
 * turned into a link.
 */
export function markdownText(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, "\\$&").replace(/\r?\n/g, " ");
}

/** A backtick fence longer than any run of backticks in `code`, so nothing in the code can close it early. */
export function codeFence(code: string): string {
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(Math.max(3, longest + 1));
}

/** What this program will touch and what the checker found, from the server's check (Markdown). */
export function programSummary(check: ProgramCheck | undefined): string {
  if (check === undefined) return "**This program:** not checked (the AgentCode server could not check it).";
  const lines: string[] = [];
  if (check.capabilities !== null) lines.push(`**This program:** ${markdownText(capabilityLine(check.capabilities, check.findings))}`);
  else lines.push(`**This program:** does not parse (${check.findings.length} finding${check.findings.length === 1 ? "" : "s"}).`);
  for (const f of check.findings) {
    const where = f.line === undefined ? "" : `line ${f.line + 1}: `;
    lines.push(`- ${where}${markdownText(`${f.ruleId} (${f.severity}) ${f.message}`)}`);
  }
  return lines.join("\n");
}

/** The confirmation's Markdown: where it runs, what this program touches, then the code. */
export function confirmationMarkdown(code: string, check?: ProgramCheck): string {
  const fence = codeFence(code);
  return `${capabilitySummary()}\n\n${programSummary(check)}\n\n${fence}python\n${code}\n${fence}`;
}

/** The tool result the agent reads: status, streams, the error and what was displayed. */
export function toolResultText(summary: OutputsSummary): string {
  const parts = [`status: ${summary.status} (${Math.round(summary.elapsedMs)} ms, Pyodide in the AgentCode Sandbox panel)`];
  if (summary.stdout !== "") parts.push(`--- stdout ---\n${summary.stdout.replace(/\n$/, "")}`);
  if (summary.stderr !== "") parts.push(`--- stderr ---\n${summary.stderr.replace(/\n$/, "")}`);
  if (summary.error !== null) parts.push(`--- error ---\n${summary.error.replace(/\n$/, "")}`);
  if (summary.outputLimit) parts.push(summary.outputLimit);
  if (summary.outputs.length > 0) {
    parts.push(`outputs (shown to the user in the panel): ${summary.outputs.map((o) => (o.name ? `${outputContract.outputDir}/${o.name} (${o.mime})` : o.mime)).join(", ")}`);
  }
  return parts.join("\n");
}
