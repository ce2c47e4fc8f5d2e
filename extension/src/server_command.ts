/**
 * Decides how to start the language server (and the MCP server, `agentcode mcp`): the bundled `server/agentcode.dll` under `dotnet`, or
 * `agentcode.server.path` (a .dll run with dotnet, or a native executable), and checks beforehand that the
 * files and the .NET runtime are there, so a missing piece becomes one sentence in the status bar rather than a
 * crash loop. Node only (fs, child_process), no `vscode`, so it is unit-tested.
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

/** The command line for the server (the language server, or `commandArgs`), or why there is none. */
export function resolveServerCommand(
  extensionPath: string,
  serverPath: string | undefined,
  dotnetPath: string,
  commandArgs: readonly string[] = lspArgs,
): Resolved {
  const target = serverPath ?? path.join(extensionPath, "server", "agentcode.dll");
  if (!fs.existsSync(target)) {
    return serverPath === undefined
      ? { ok: false, message: `The bundled server is missing (${target}). Reinstall the extension or set agentcode.server.path.` }
      : { ok: false, message: `agentcode.server.path names a file that does not exist: ${target}.` };
  }
  if (target.toLowerCase().endsWith(".dll")) {
    return { ok: true, value: { command: dotnetPath, args: [target, ...commandArgs], needsDotnet: true } };
  }
  return { ok: true, value: { command: target, args: commandArgs, needsDotnet: false } };
}

/** Checks that `dotnet` runs and has a .NET 10 (or newer) runtime; the message says what to do otherwise. */
export function checkDotnet(dotnetPath: string): { readonly ok: true } | { readonly ok: false; readonly message: string } {
  const advice = "Install the .NET 10 runtime or set agentcode.server.path.";
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
