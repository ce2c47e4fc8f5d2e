// A small LSP client over the real server process's stdio. It frames messages itself (Content-Length), so tests
// see exactly the bytes the server writes and can also send malformed or oversized frames. Responses are matched
// to requests by id; notifications are collected for polling.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentCode.Server.Tests.Infrastructure;

/// <summary>A JSON-RPC error response.</summary>
public sealed class LspErrorException(int code, string message, JsonElement? data) : Exception($"{code}: {message}")
{
    /// <summary>The error code.</summary>
    public int Code { get; } = code;

    /// <summary>The error message.</summary>
    public string ErrorMessage { get; } = message;

    /// <summary>The error data, if any.</summary>
    public JsonElement? ErrorData { get; } = data;
}

/// <summary>The test's side of an LSP session with the real server.</summary>
public sealed class LspTestClient : IAsyncDisposable
{
    /// <summary>Generous deadline for anything on 2 busy cores (the first sandbox run compiles python.wasm).</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly ConcurrentQueue<JsonElement> _notifications = new();
    private readonly ConcurrentQueue<JsonElement> _orphans = new();
    private readonly StringBuilder _stderr = new();
    private readonly Task _reader;
    private long _nextId;

    private LspTestClient(Process process)
    {
        _process = process;
        _stdin = process.StandardInput.BaseStream;
        _reader = Task.Run(ReadLoopAsync);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>agentcode lsp --stdio</c>.</summary>
    public static LspTestClient Start(IReadOnlyDictionary<string, string>? env = null) =>
        new(Process.Start(AgentCodeProcess.StartInfo(["lsp", "--stdio"], env))!);

    /// <summary>Starts the server and completes initialize/initialized with the given settings.</summary>
    public static async Task<LspTestClient> StartInitializedAsync(object? settings = null, IReadOnlyDictionary<string, string>? env = null)
    {
        var client = Start(env);
        await client.RequestAsync("initialize", new { processId = Environment.ProcessId, capabilities = new { }, initializationOptions = settings });
        await client.NotifyAsync("initialized", new { });
        return client;
    }

    /// <summary>What the server wrote to stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>The server process.</summary>
    public Process Process => _process;

    /// <summary>Responses that carried no request id of ours (e.g. parse errors with id null).</summary>
    public IReadOnlyList<JsonElement> Orphans => _orphans.ToArray();

    /// <summary>Notifications received so far.</summary>
    public IReadOnlyList<JsonElement> Notifications => _notifications.ToArray();

    /// <summary>Sends a request and returns its result; throws <see cref="LspErrorException"/> for an error response.</summary>
    public async Task<JsonElement> RequestAsync(string method, object? parameters, TimeSpan? deadline = null)
    {
        var (_, task) = await SendRequestAsync(method, parameters);
        return await ResultOf(task, deadline);
    }

    /// <summary>Sends a request without waiting: its id and the pending response message.</summary>
    public async Task<(long Id, Task<JsonElement> Response)> SendRequestAsync(string method, object? parameters)
    {
        var id = Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        await SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = ToNode(parameters) });
        return (id, tcs.Task);
    }

    /// <summary>
    /// Sends raw bytes made for a fresh request id (for messages the typed helpers cannot produce) and returns the
    /// pending response to that id.
    /// </summary>
    public async Task<Task<JsonElement>> SendRawRequestAsync(Func<long, byte[]> bytesForId)
    {
        var id = Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        await SendRawAsync(bytesForId(id));
        return tcs.Task;
    }

    /// <summary>The result of a response message, or its error as an exception.</summary>
    public async Task<JsonElement> ResultOf(Task<JsonElement> response, TimeSpan? deadline = null)
    {
        var message = await response.WaitAsync(deadline ?? Deadline);
        if (message.TryGetProperty("error", out var error))
        {
            throw new LspErrorException(error.GetProperty("code").GetInt32(), error.GetProperty("message").GetString() ?? "",
                error.TryGetProperty("data", out var d) ? d.Clone() : null);
        }
        return message.GetProperty("result").Clone();
    }

    /// <summary>Sends a notification.</summary>
    public Task NotifyAsync(string method, object? parameters) =>
        SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = ToNode(parameters) });

    /// <summary>Sends <c>$/cancelRequest</c> for a request id.</summary>
    public Task CancelAsync(long id) => NotifyAsync("$/cancelRequest", new { id });

    /// <summary>Sends a raw frame body (any bytes) with a correct Content-Length header.</summary>
    public Task SendRawBodyAsync(byte[] body) => SendRawAsync(Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n").Concat(body).ToArray());

    /// <summary>Sends raw bytes as they are.</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _stdin.WriteAsync(bytes);
            await _stdin.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Polls the notifications until one matches, or fails at the deadline.</summary>
    public async Task<JsonElement> WaitForNotificationAsync(string method, Func<JsonElement, bool> predicate, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? Deadline);
        while (DateTime.UtcNow < until)
        {
            foreach (var n in _notifications)
            {
                if (n.GetProperty("method").GetString() == method && predicate(n.GetProperty("params")))
                {
                    return n.GetProperty("params");
                }
            }
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited ({_process.ExitCode}). stderr:\n{Stderr}");
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"No {method} notification matched. Received:\n{string.Join("\n", _notifications)}\nstderr:\n{Stderr}");
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? deadline = null)
    {
        using var cts = new CancellationTokenSource(deadline ?? Deadline);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Ends the session politely if possible, then makes sure the process is gone.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _stdin.Close();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (Exception)
        {
        }
        finally
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            _process.Dispose();
        }
    }

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode n => n,
        _ => JsonSerializer.SerializeToNode(value, value.GetType(), JsonOptions),
    };

    /// <summary>camelCase, like the wire.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private Task SendAsync(JsonObject message) => SendRawBodyAsync(Encoding.UTF8.GetBytes(message.ToJsonString()));

    private async Task ReadLoopAsync()
    {
        var stdout = _process.StandardOutput.BaseStream;
        try
        {
            while (true)
            {
                var length = -1;
                while (true)
                {
                    var line = await ReadLineAsync(stdout);
                    if (line is null)
                    {
                        return;
                    }
                    if (line.Length == 0)
                    {
                        break;
                    }
                    if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                    {
                        length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
                var body = new byte[length];
                await stdout.ReadExactlyAsync(body);
                var message = JsonDocument.Parse(body).RootElement.Clone();
                if (message.TryGetProperty("method", out _))
                {
                    _notifications.Enqueue(message);
                }
                else if (message.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && _pending.TryRemove(id.GetInt64(), out var tcs))
                {
                    tcs.TrySetResult(message);
                }
                else
                {
                    _orphans.Enqueue(message);
                }
            }
        }
        finally
        {
            foreach (var p in _pending.Values)
            {
                p.TrySetException(new IOException("The server closed its output. stderr:\n" + Stderr));
            }
        }
    }

    private static async Task<string?> ReadLineAsync(Stream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            var n = await stream.ReadAsync(one);
            if (n == 0)
            {
                return null;
            }
            if (one[0] == '\n')
            {
                return Encoding.ASCII.GetString(bytes.ToArray()).TrimEnd('\r');
            }
            bytes.Add(one[0]);
        }
    }
}
