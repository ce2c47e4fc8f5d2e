// StreamJsonRpc with the error replies a language server owes its client: a handler's typed error keeps its code,
// message and data; params that do not fit the method's record are InvalidParams (-32602) with a sentence naming
// the method; anything unexpected is InternalError (-32603) with a sentence, while the exception itself (type,
// stack trace, build paths) goes to the log on stderr and never to the client.
using System.Reflection;
using System.Text.Json;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace AgentCode.Server.Lsp;

/// <summary>A <see cref="JsonRpc"/> that never sends exception internals to the client.</summary>
internal sealed class LspJsonRpc(IJsonRpcMessageHandler handler, Action<string> log) : JsonRpc(handler)
{
    /// <inheritdoc/>
    protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
    {
        var e = exception;
        while (e is TargetInvocationException or AggregateException && e.InnerException is { } inner)
        {
            e = inner;
        }
        var method = request.Method ?? "the request";
        switch (e)
        {
            case LocalRpcException rpc:
                return new JsonRpcError.ErrorDetail { Code = (JsonRpcErrorCode)rpc.ErrorCode, Message = rpc.Message, Data = rpc.ErrorData };
            case OperationCanceledException:
                return new JsonRpcError.ErrorDetail { Code = JsonRpcErrorCode.RequestCanceled, Message = $"{method} was cancelled." };
            case RpcArgumentDeserializationException or JsonException:
                log($"Invalid params for {method}: {e.Message}");
                return new JsonRpcError.ErrorDetail { Code = JsonRpcErrorCode.InvalidParams, Message = InvalidParamsMessage(method, e) };
            default:
                log($"{method} failed: {e}");
                return new JsonRpcError.ErrorDetail
                {
                    Code = JsonRpcErrorCode.InternalError,
                    Message = $"AgentCode could not handle {method} because of an internal error; the server log has the details.",
                };
        }
    }

    /// <summary>A sentence for params that do not fit, naming the JSON path when the serializer gave one.</summary>
    public static string InvalidParamsMessage(string method, Exception e)
    {
        var json = e as JsonException ?? e.InnerException as JsonException;
        var where = json?.Path is { Length: > 1 } path ? $" at {path}" : "";
        // The serializer names missing fields after this phrase; the type names before it stay in the log.
        const string missing = "missing required properties including: ";
        var at = json?.Message.IndexOf(missing, StringComparison.Ordinal) ?? -1;
        var fields = at >= 0 ? $" (missing {json!.Message[(at + missing.Length)..].TrimEnd('.')})" : "";
        return $"The params of {method} do not match what it takes{where}{fields}: see docs/protocol.md for its fields.";
    }
}
