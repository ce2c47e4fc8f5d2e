// The message handler between the wire and StreamJsonRpc. StreamJsonRpc's own HeaderDelimitedMessageHandler ends
// the connection on a message it cannot parse; a language server must not go deaf because one message was
// malformed. So frames come from FrameReader (which finds the next frame after any bad one), every body is
// inspected first (MessageShape) and answered with the JSON-RPC code its defect calls for, and the session
// lifecycle (Lifecycle) is enforced here, before any handler sees a message. Details of a failure go to the log.
using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace AgentCode.Server.Lsp;

/// <summary>A Content-Length framed message handler that tolerates malformed and oversized messages.</summary>
internal sealed class LspMessageHandler : MessageHandlerBase
{
    /// <summary>Largest accepted message body; larger ones are skipped unread. Documents have their own, smaller limit.</summary>
    public const long MaxMessageBytes = 64L * 1024 * 1024;

    private readonly Stream _output;
    private readonly FrameReader _frames;
    private readonly Lifecycle _lifecycle;
    private readonly Action<string> _log;

    /// <summary>Creates a handler writing to <paramref name="output"/> and reading from <paramref name="input"/>.</summary>
    public LspMessageHandler(Stream output, Stream input, IJsonRpcMessageFormatter formatter, Lifecycle lifecycle, Action<string> log)
        : base(formatter)
    {
        _output = output;
        _frames = new FrameReader(PipeReader.Create(input, new StreamPipeReaderOptions(bufferSize: 64 * 1024)), MaxMessageBytes);
        _lifecycle = lifecycle;
        _log = log;
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    protected override async ValueTask<JsonRpcMessage?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await _frames.ReadAsync(cancellationToken).ConfigureAwait(false) is not { } frame)
            {
                return null; // End of stream.
            }
            if (frame.Body is not { } body)
            {
                _log(frame.Problem!);
                await ReplyAsync(RequestId.Null, frame.TooLarge ? JsonRpcErrorCode.InvalidRequest : JsonRpcErrorCode.ParseError, frame.Problem!, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (await AdmitAsync(body, cancellationToken).ConfigureAwait(false) is { } message)
            {
                return message;
            }
        }
    }

    /// <summary>The message StreamJsonRpc should dispatch, or null when it was answered (or dropped) here.</summary>
    private async ValueTask<JsonRpcMessage?> AdmitAsync(byte[] body, CancellationToken cancellationToken)
    {
        var shape = MessageShape.Inspect(body);
        switch (shape.Kind)
        {
            case MessageKind.NotJson:
                // Most often a Content-Length shorter than the body: the rest, up to the next header, is skipped silently.
                _frames.Resync();
                _log("Malformed message ignored: " + shape.Problem);
                await ReplyAsync(RequestId.Null, JsonRpcErrorCode.ParseError, shape.Problem!, cancellationToken).ConfigureAwait(false);
                return null;
            case MessageKind.Invalid:
                _log("Invalid message ignored: " + shape.Problem);
                await ReplyAsync(shape.Id, JsonRpcErrorCode.InvalidRequest, shape.Problem!, cancellationToken).ConfigureAwait(false);
                return null;
        }
        var isRequest = shape.Kind == MessageKind.Request;
        if (shape.Method is { } method && _lifecycle.Admit(method, isRequest, shape.Id) is { } refusal)
        {
            _log($"Refused {method}: {refusal.Message}");
            if (isRequest)
            {
                await ReplyAsync(shape.Id, (JsonRpcErrorCode)refusal.Code, refusal.Message, cancellationToken).ConfigureAwait(false);
            }
            return null;
        }
        if (shape.ParamsInvalid)
        {
            _log(shape.Problem!);
            if (isRequest)
            {
                await ReplyAsync(shape.Id, JsonRpcErrorCode.InvalidParams, shape.Problem!, cancellationToken).ConfigureAwait(false);
            }
            return null;
        }
        try
        {
            return Formatter.Deserialize(new ReadOnlySequence<byte>(body));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log($"Unreadable message ignored: {e.GetType().Name}: {e.Message}");
            await ReplyAsync(shape.Id, JsonRpcErrorCode.InvalidRequest, "The message could not be read as a JSON-RPC request.", cancellationToken).ConfigureAwait(false);
            return null;
        }
    }

    /// <inheritdoc/>
    protected override async ValueTask WriteCoreAsync(JsonRpcMessage content, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Formatter.Serialize(buffer, content);
        var header = Encoding.ASCII.GetBytes($"Content-Length: {buffer.WrittenCount}\r\n\r\n");
        await _output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        await _output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _lifecycle.OnWritten(content);
    }

    /// <inheritdoc/>
    protected override ValueTask FlushAsync(CancellationToken cancellationToken) => new(_output.FlushAsync(cancellationToken));

    private async ValueTask ReplyAsync(RequestId id, JsonRpcErrorCode code, string message, CancellationToken cancellationToken)
    {
        var error = new JsonRpcError
        {
            RequestId = id,
            Error = new JsonRpcError.ErrorDetail { Code = code, Message = message },
        };
        await WriteAsync(error, cancellationToken).ConfigureAwait(false);
    }
}
