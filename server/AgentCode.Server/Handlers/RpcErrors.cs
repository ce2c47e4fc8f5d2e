// The one typed exception of expected failures at the RPC edge: a stable code, a message for people and
// optional data (such as the user's prompt, so nothing typed is lost).
using AgentCode.Server.Protocol;
using StreamJsonRpc;

namespace AgentCode.Server.Handlers;

/// <summary>Factories of <see cref="LocalRpcException"/> with the codes of <see cref="AgentCodeErrorCodes"/>.</summary>
internal static class RpcErrors
{
    /// <summary>Settings are missing or wrong.</summary>
    public static LocalRpcException Configuration(string message, object? data = null) => Create(AgentCodeErrorCodes.Configuration, message, data);

    /// <summary>The request is missing something or names something that is not there.</summary>
    public static LocalRpcException BadInput(string message, object? data = null) => Create(AgentCodeErrorCodes.BadInput, message, data);

    /// <summary>The run queue is full.</summary>
    public static LocalRpcException Busy(string message, object? data = null) => Create(AgentCodeErrorCodes.Busy, message, data);

    /// <summary>The sandbox cannot start.</summary>
    public static LocalRpcException SandboxUnavailable(string message) => Create(AgentCodeErrorCodes.SandboxUnavailable, message, null);

    private static LocalRpcException Create(int code, string message, object? data) => new(message) { ErrorCode = code, ErrorData = data };
}
