// LSP base-protocol framing (Content-Length headers) that survives bad input. StreamJsonRpc's own
// HeaderDelimitedMessageHandler ends the connection on a message it cannot parse; a language server must not
// die because one message was malformed, so this handler answers such a message with a JSON-RPC parse error,
// skips a message over the size limit without buffering it, and reads on.
using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace AgentCode.Server.Lsp;

/// <summary>A Content-Length framed message handler that tolerates malformed and oversized messages.</summary>
internal sealed class LspMessageHandler : MessageHandlerBase
{
    /// <summary>Largest accepted message body.</summary>
    public const long MaxMessageBytes = 64L * 1024 * 1024;

    private const int MaxHeaderBytes = 8 * 1024;

    private readonly Stream _output;
    private readonly PipeReader _input;
    private readonly Action<string> _log;

    /// <summary>Creates a handler writing to <paramref name="output"/> and reading from <paramref name="input"/>.</summary>
    public LspMessageHandler(Stream output, Stream input, IJsonRpcMessageFormatter formatter, Action<string> log)
        : base(formatter)
    {
        _output = output;
        _input = PipeReader.Create(input, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
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
            var length = await ReadHeadersAsync(cancellationToken).ConfigureAwait(false);
            switch (length)
            {
                case null:
                    return null; // End of stream.
                case < 0:
                    await ReplyParseErrorAsync("The message has no valid Content-Length header.", cancellationToken).ConfigureAwait(false);
                    continue;
                case > MaxMessageBytes:
                    _log($"Skipping a message of {length} bytes (limit {MaxMessageBytes}).");
                    if (!await SkipAsync(length.Value, cancellationToken).ConfigureAwait(false))
                    {
                        return null;
                    }
                    await ReplyErrorAsync(JsonRpcErrorCode.InvalidRequest,
                        $"The message of {length} bytes is larger than the limit of {MaxMessageBytes} bytes and was ignored.", cancellationToken).ConfigureAwait(false);
                    continue;
            }
            var body = await ReadBodyAsync((int)length.Value, cancellationToken).ConfigureAwait(false);
            if (body is null)
            {
                return null;
            }
            try
            {
                return Formatter.Deserialize(new ReadOnlySequence<byte>(body));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log($"Malformed message ignored: {e.GetType().Name}: {e.Message}");
                await ReplyParseErrorAsync("The message is not valid JSON-RPC: " + e.Message, cancellationToken).ConfigureAwait(false);
            }
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
    }

    /// <inheritdoc/>
    protected override ValueTask FlushAsync(CancellationToken cancellationToken) => new(_output.FlushAsync(cancellationToken));

    /// <summary>Reads header lines up to the blank line: the content length, -1 when invalid, null at end of stream.</summary>
    private async ValueTask<long?> ReadHeadersAsync(CancellationToken cancellationToken)
    {
        long length = -1;
        var sawHeader = false;
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            if (reader.TryReadTo(out ReadOnlySequence<byte> lineBytes, (byte)'\n'))
            {
                // Decode before advancing: advancing releases the buffer the line points into.
                var line = Encoding.ASCII.GetString(lineBytes).TrimEnd('\r');
                _input.AdvanceTo(reader.Position);
                if (line.Length == 0)
                {
                    if (!sawHeader)
                    {
                        continue; // Tolerate stray blank lines between messages.
                    }
                    return length;
                }
                sawHeader = true;
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    length = long.TryParse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
                }
                continue;
            }
            if (buffer.Length > MaxHeaderBytes)
            {
                // A header line this long is garbage: drop it and report.
                _input.AdvanceTo(buffer.End);
                await ReplyParseErrorAsync("A header line is too long.", cancellationToken).ConfigureAwait(false);
                sawHeader = false;
                length = -1;
                continue;
            }
            if (result.IsCompleted)
            {
                _input.AdvanceTo(buffer.End);
                return null;
            }
            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async ValueTask<byte[]?> ReadBodyAsync(int length, CancellationToken cancellationToken)
    {
        var result = await _input.ReadAtLeastAsync(length, cancellationToken).ConfigureAwait(false);
        if (result.Buffer.Length < length)
        {
            _input.AdvanceTo(result.Buffer.End);
            return null;
        }
        // A copy, so the pipe's buffer can be reused while the message is still being dispatched.
        var body = result.Buffer.Slice(0, length).ToArray();
        _input.AdvanceTo(result.Buffer.GetPosition(length));
        return body;
    }

    private async ValueTask<bool> SkipAsync(long length, CancellationToken cancellationToken)
    {
        var left = length;
        while (left > 0)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var take = Math.Min(left, result.Buffer.Length);
            _input.AdvanceTo(result.Buffer.GetPosition(take));
            left -= take;
            if (left > 0 && result.IsCompleted)
            {
                return false;
            }
        }
        return true;
    }

    private ValueTask ReplyParseErrorAsync(string message, CancellationToken cancellationToken) =>
        ReplyErrorAsync(JsonRpcErrorCode.ParseError, message, cancellationToken);

    private async ValueTask ReplyErrorAsync(JsonRpcErrorCode code, string message, CancellationToken cancellationToken)
    {
        var error = new JsonRpcError
        {
            RequestId = RequestId.Null,
            Error = new JsonRpcError.ErrorDetail { Code = code, Message = message },
        };
        await WriteAsync(error, cancellationToken).ConfigureAwait(false);
    }
}
