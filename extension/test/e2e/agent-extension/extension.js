// Test-only extension for the end-to-end tests: its command plays an agent. It reads agent.py from the first
// workspace folder, calls the agentcode_runPython tool through vscode.lm.invokeTool (outside a chat, so VS Code
// asks for confirmation in a modal dialog), and writes what came back, or the error, to tool-result.json next to it.
const fs = require("node:fs");
const path = require("node:path");
const vscode = require("vscode");

exports.activate = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand("agentcodeE2e.invokeRunPython", async () => {
      const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;
      const out = path.join(folder, "tool-result.json");
      const tools = vscode.lm.tools.map((t) => t.name);
      try {
        const code = fs.readFileSync(path.join(folder, "agent.py"), "utf8");
        const source = new vscode.CancellationTokenSource();
        const result = await vscode.lm.invokeTool("agentcode_runPython", { input: { code }, toolInvocationToken: undefined }, source.token);
        const parts = result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? { text: p.value } : { other: String(p) }));
        fs.writeFileSync(out, JSON.stringify({ tools, parts }));
      } catch (e) {
        fs.writeFileSync(out, JSON.stringify({ tools, error: String(e && e.message ? e.message : e) }));
      }
    }),
  );
};
