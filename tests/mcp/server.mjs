/**
 * Starts the real `agentcode mcp` (the Release build of server/AgentCode.Server, run with dotnet) and connects the
 * official MCP TypeScript SDK client to it over stdio. AGENTCODE_MCP_DLL overrides the server path. The server's
 * stderr is collected so a failing test can show it.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const serverDll =
  process.env.AGENTCODE_MCP_DLL ?? path.join(repo, "server/AgentCode.Server/bin/Release/net10.0/agentcode.dll");
export const repoRoot = repo;

/** Connects a client to a fresh `agentcode mcp` with the given arguments; returns the client, transport and stderr. */
export async function startServer(args, { cwd } = {}) {
  if (!existsSync(serverDll)) {
    throw new Error(`${serverDll} does not exist: build the server first (dotnet build AgentCode.sln -c Release).`);
  }
  const transport = new StdioClientTransport({
    command: "dotnet",
    args: [serverDll, "mcp", ...args],
    cwd,
    stderr: "pipe",
    env: { ...process.env, DOTNET_NOLOGO: "1" },
  });
  const log = [];
  transport.stderr?.on("data", (chunk) => log.push(chunk.toString("utf8")));
  const client = new Client({ name: "agentcode-protocol-tests", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport, stderr: () => log.join("") };
}

/** The text of a tool result's content blocks of type text, joined. */
export function textOf(result) {
  return result.content.filter((c) => c.type === "text").map((c) => c.text).join("\n");
}
