// The end of a session: shutdown is acknowledged, exit ends the process with 0 after shutdown and 1 otherwise.
using AgentCode.Server.Lsp;
using AgentCode.Server.Protocol;
using StreamJsonRpc;

namespace AgentCode.Server.Handlers;

/// <summary>Handles <c>shutdown</c> and <c>exit</c>.</summary>
internal sealed class ShutdownHandler(ServerState state)
{
    /// <summary>Acknowledges shutdown; the result is null.</summary>
    [JsonRpcMethod(LspMethods.Shutdown)]
    public object? Shutdown()
    {
        state.RequestShutdown();
        return null;
    }

    /// <summary>Signals the process to exit.</summary>
    [JsonRpcMethod(LspMethods.Exit)]
    public void Exit() => state.RequestExit();
}
