// Creates the real sandbox and checker (python.wasm under Wasmtime) for the commands that need them.
using AgentCode.Server.Lsp;

namespace AgentCode.Server.Cli;

internal static class SandboxServices
{
    /// <summary>The services over the real sandbox.</summary>
    public static ServerServices Create() => throw new NotImplementedException("The sandbox is not wired yet.");
}
