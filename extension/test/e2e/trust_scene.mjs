// The scene both Workspace Trust scenarios start from (trust.e2e.test.mjs, trust_restricted.e2e.test.mjs): two
// scripted model servers on 127.0.0.1, the user's (in user settings, with a key in the environment) and the
// workspace's (in the folder's .vscode/settings.json), a workspace whose settings also point `agentcode.server.path`
// and `dotnetPath` at a script that only leaves a marker file when something runs it, and code-server with Workspace
// Trust on and its startup prompt always shown, so each scenario answers the trust question itself.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { quietWorkbench, startCodeServer } from "./code_server.mjs";
import { startOpenAiServer } from "./openai_server.mjs";
import { newestVsix } from "../../scripts/verify-vsix.mjs";
import { launchBrowser } from "./workbench.mjs";

/**
 * Starts the scene. `userReplies`/`workspaceReplies` script the two model servers; `workspaceSettings` adds to the
 * folder's settings, `settings` to the user's; `files` are written into the workspace (name -> text).
 */
export async function startTrustScene({ name, extensionDir, environmentKey, userReplies, workspaceReplies, workspaceSettings = {}, settings = {}, files = {} }) {
  const scene = {};
  scene.stop = async () => {
    await scene.browser?.close();
    await scene.codeServer?.stop();
    await scene.userServer?.close();
    await scene.workspaceServer?.close();
    if (scene.workspace) fs.rmSync(scene.workspace, { recursive: true, force: true });
  };
  try {
    scene.userServer = await startOpenAiServer({ replies: userReplies });
    scene.workspaceServer = await startOpenAiServer({ replies: workspaceReplies });
    scene.workspace = fs.mkdtempSync(path.join(os.tmpdir(), `agentcode-e2e-${name}-`));
    scene.marker = path.join(scene.workspace, "server-script-ran.marker");
    const script = path.join(scene.workspace, "tools", "agentcode-server.sh");
    fs.mkdirSync(path.dirname(script), { recursive: true });
    fs.writeFileSync(script, `#!/bin/sh\necho "ran with $*" >> '${scene.marker}'\nexit 1\n`, { mode: 0o755 });
    fs.mkdirSync(path.join(scene.workspace, ".vscode"));
    const folderSettings = {
      "agentcode.llm.baseUrl": scene.workspaceServer.baseUrl,
      "agentcode.server.path": script,
      "agentcode.server.dotnetPath": script,
      ...workspaceSettings,
    };
    fs.writeFileSync(path.join(scene.workspace, ".vscode", "settings.json"), JSON.stringify(folderSettings, null, 2));
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(scene.workspace, file), text);
    scene.codeServer = await startCodeServer({
      vsix: process.env.AGENTCODE_VSIX ?? newestVsix(extensionDir),
      workspaceTrust: true,
      env: { AGENTCODE_API_KEY: environmentKey },
      settings: {
        "agentcode.llm.baseUrl": scene.userServer.baseUrl,
        "agentcode.llm.model": "test-model",
        "agentcode.trace": "verbose",
        "security.workspace.trust.enabled": true,
        "security.workspace.trust.startupPrompt": "always",
        ...settings,
        ...quietWorkbench,
        ...JSON.parse(process.env.AGENTCODE_E2E_SETTINGS ?? "{}"),
      },
    });
    scene.browser = await launchBrowser();
  } catch (e) {
    await scene.stop();
    throw e;
  }
  return scene;
}
