/**
 * Decides how to start the language server (and the MCP server, `agentcode mcp`): the bundled self-contained
 * `server/agentcode` (`agentcode.exe` on Windows) of this platform's package, or `agentcode.server.path` (a .dll run with dotnet, or a native
 * executable), and checks beforehand that the files are there, that the package was built for the platform VS Code
 * runs on (`server/platform.json`), and for a .dll that the .NET runtime is there, so a missing or wrong piece
 * becomes one sentence in the status bar rather than a crash loop. Node only (fs, child_process), no `vscode`, so it
 * is unit-tested.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";

export interface ServerCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** True when the command is `dotnet` running a .dll, which needs the .NET 10 runtime. */
  readonly needsDotnet: boolean;
}

export type Resolved = { readonly ok: true; readonly value: ServerCommand } | { readonly ok: false; readonly message: string };

/** The machine VS Code runs on, as Node names it (`process.platform`, `process.arch`). */
export interface Host {
  readonly platform: string;
  readonly arch: string;
}

/** What package.mjs writes into server/platform.json: the vsce target, the .NET runtime identifier, the version. */
interface PlatformFile {
  readonly target: string;
  readonly rid: string;
  readonly version: string;
}

const lspArgs = ["lsp", "--stdio"];

/**
 * The `agentcode mcp` arguments for VS Code's MCP server definition: the workspace folders as the data
 * allow-list when `allowData` (a trusted workspace), and the run record in the first one's
 * `.agentcode/runs.jsonl`, as the extension's own record.
 */
export function mcpArgs(folders: readonly string[], allowData: boolean): string[] {
  const first = folders[0];
  return [
    "mcp",
    ...(allowData ? folders.flatMap((f) => ["--allow-data", f]) : []),
    ...(first === undefined ? ["--no-record"] : ["--record", path.join(first, ".agentcode", "runs.jsonl")]),
  ];
}

/** True when a package built for `target` runs on `host`: the same platform, or x64 under Windows on Arm's emulation. */
export function runsOn(target: string, host: Host): boolean {
  const here = `${host.platform}-${host.arch}`;
  return target === here || (here === "win32-arm64" && target === "win32-x64");
}

function readPlatform(file: string): PlatformFile | undefined {
  try {
    const p = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<PlatformFile>;
    return typeof p.target === "string" && typeof p.rid === "string" && typeof p.version === "string" ? { target: p.target, rid: p.rid, version: p.version } : undefined;
  } catch {
    return undefined;
  }
}

/** The bundled server of this platform's package, or why it cannot run here. */
function bundledServer(extensionPath: string, commandArgs: readonly string[], host: Host): Resolved {
  const dir = path.join(extensionPath, "server");
  const platform = readPlatform(path.join(dir, "platform.json"));
  if (platform === undefined) {
    return { ok: false, message: `The bundled server is missing (${dir}). Reinstall the extension or set agentcode.server.path.` };
  }
  if (!runsOn(platform.target, host)) {
    const here = `${host.platform}-${host.arch}`;
    return {
      ok: false,
      message:
        `This AgentCode package is built for ${platform.target}, but VS Code runs on ${here}. ` +
        `Install the ${here} package (agentcode-${here}-${platform.version}.vsix; the Marketplace picks it by itself) or set agentcode.server.path.`,
    };
  }
  const exe = path.join(dir, platform.target.startsWith("win32-") ? "agentcode.exe" : "agentcode");
  if (!fs.existsSync(exe)) {
    return { ok: false, message: `The bundled server is missing (${exe}). Reinstall the extension or set agentcode.server.path.` };
  }
  return { ok: true, value: { command: exe, args: commandArgs, needsDotnet: false } };
}

/** The command line for the server (the language server, or `commandArgs`), or why there is none. */
export function resolveServerCommand(
  extensionPath: string,
  serverPath: string | undefined,
  dotnetPath: string,
  commandArgs: readonly string[] = lspArgs,
  host: Host = { platform: process.platform, arch: process.arch },
): Resolved {
  if (serverPath === undefined) return bundledServer(extensionPath, commandArgs, host);
  if (!fs.existsSync(serverPath)) return { ok: false, message: `agentcode.server.path names a file that does not exist: ${serverPath}.` };
  if (serverPath.toLowerCase().endsWith(".dll")) {
    return { ok: true, value: { command: dotnetPath, args: [serverPath, ...commandArgs], needsDotnet: true } };
  }
  return { ok: true, value: { command: serverPath, args: commandArgs, needsDotnet: false } };
}

/** Checks that `dotnet` runs and has a .NET 10 (or newer) runtime; the message says what to do otherwise. */
export function checkDotnet(dotnetPath: string): { readonly ok: true } | { readonly ok: false; readonly message: string } {
  const advice = "agentcode.server.path names a .dll, which needs the .NET 10 runtime: install it, set agentcode.server.dotnetPath, or clear agentcode.server.path to use the bundled server.";
  let out: string;
  try {
    const r = spawnSync(dotnetPath, ["--list-runtimes"], { encoding: "utf8", timeout: 20_000 });
    if (r.error !== undefined) return { ok: false, message: `'${dotnetPath}' could not be started. ${advice}` };
    out = r.stdout ?? "";
  } catch {
    return { ok: false, message: `'${dotnetPath}' could not be started. ${advice}` };
  }
  const majors = [...out.matchAll(/^Microsoft\.NETCore\.App (\d+)\./gm)].map((m) => Number(m[1]));
  if (!majors.some((m) => m >= 10)) {
    const found = majors.length > 0 ? `found only ${[...new Set(majors)].join(", ")}` : "found none";
    return { ok: false, message: `The AgentCode server needs the .NET 10 runtime (${found}). ${advice}` };
  }
  return { ok: true };
}
