// The LSP 3.17 session lifecycle, enforced where messages come in and go out. Before 'initialize' a request gets
// ServerNotInitialized (-32002) and a notification is dropped ('exit' excepted); a second 'initialize' and any
// request after 'shutdown' get InvalidRequest (-32600); nothing is sent to the client until the initialize
// response has been written.
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace AgentCode.Server.Lsp;

/// <summary>Why a message was not admitted: the error to answer a request with (notifications are dropped).</summary>
/// <param name="Code">The JSON-RPC error code.</param>
/// <param name="Message">A sentence for the client.</param>
internal sealed record Refusal(int Code, string Message);

/// <summary>Lifecycle state of one session, safe to use from the reader, the writer and the handlers.</summary>
internal sealed class Lifecycle
{
    /// <summary>LSP's ServerNotInitialized.</summary>
    public const int ServerNotInitialized = -32002;

    /// <summary>JSON-RPC's InvalidRequest.</summary>
    public const int InvalidRequest = -32600;

    private enum Phase { WaitingForInitialize, Initializing, Running, ShutDown }

    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _initializeAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Phase _phase = Phase.WaitingForInitialize;
    private RequestId _initializeId;

    /// <summary>Completes once the response to <c>initialize</c> has been written.</summary>
    public Task InitializeAnswered => _initializeAnswered.Task;

    /// <summary>Decides about an incoming request or notification: null to admit it, else why not.</summary>
    public Refusal? Admit(string method, bool isRequest, RequestId id)
    {
        lock (_gate)
        {
            if (method == "exit")
            {
                return null;
            }
            switch (_phase)
            {
                case Phase.WaitingForInitialize:
                    if (method == "initialize" && isRequest)
                    {
                        _phase = Phase.Initializing;
                        _initializeId = id;
                        return null;
                    }
                    return new Refusal(ServerNotInitialized, $"The server is not initialized: send 'initialize' before '{method}'.");
                case Phase.ShutDown:
                    return new Refusal(InvalidRequest, $"The server is shutting down: after 'shutdown' only 'exit' is accepted, not '{method}'.");
                default:
                    if (method == "initialize")
                    {
                        return new Refusal(InvalidRequest, "The server is already initialized: 'initialize' may be sent only once.");
                    }
                    if (method == "shutdown" && isRequest)
                    {
                        _phase = Phase.ShutDown;
                    }
                    return null;
            }
        }
    }

    /// <summary>Notes an outgoing message; the response to <c>initialize</c> opens the way for notifications.</summary>
    public void OnWritten(JsonRpcMessage message)
    {
        RequestId? answered = message switch
        {
            JsonRpcResult r => r.RequestId,
            JsonRpcError e => e.RequestId,
            _ => null,
        };
        if (answered is not { } id)
        {
            return;
        }
        lock (_gate)
        {
            if (_phase == Phase.WaitingForInitialize || !id.Equals(_initializeId) || _initializeAnswered.Task.IsCompleted)
            {
                return;
            }
            if (_phase == Phase.Initializing)
            {
                _phase = Phase.Running;
            }
        }
        _initializeAnswered.TrySetResult();
    }
}
