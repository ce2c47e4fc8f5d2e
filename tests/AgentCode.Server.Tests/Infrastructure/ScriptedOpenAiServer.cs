// A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions wire format, scripted per test with a
// queue of responses (JSON completions, SSE streams, error statuses with Retry-After, delays, truncated streams).
// It records every request so tests can assert what the model was told. Disposed (and stopped) per test.
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace AgentCode.Server.Tests.Infrastructure;

/// <summary>One request the server received, and when it arrived (time since the server started).</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, TimeSpan ArrivedAt)
{
    /// <summary>The request body as JSON.</summary>
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>All message contents of the chat request, joined.</summary>
    public string AllMessages => string.Join("\n---\n", Json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").ToString()));

    /// <summary>The content of the last message.</summary>
    public string LastMessage => Json.GetProperty("messages").EnumerateArray().Last().GetProperty("content").ToString();
}

/// <summary>A scripted response.</summary>
public abstract record ScriptedReply
{
    /// <summary>Wait before answering.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>A complete reply, streamed as SSE when the request asks for a stream, else one JSON completion.</summary>
    public static ScriptedReply Text(string content, int chunkSize = 8) => new TextReply(content, chunkSize);

    /// <summary>A reply whose code is <paramref name="code"/> in a python fence.</summary>
    public static ScriptedReply Code(string code) => Text($"Here is the program:\n\n```python\n{code.TrimEnd()}\n```\n");

    /// <summary>An error status with an OpenAI-style error body.</summary>
    public static ScriptedReply Status(int status, string? retryAfter = null) => new StatusReply(status, retryAfter);

    /// <summary>A stream that sends <paramref name="content"/> then closes without finish_reason or [DONE].</summary>
    public static ScriptedReply Truncated(string content) => new TruncatedReply(content);
}

/// <summary>See <see cref="ScriptedReply.Text"/>.</summary>
public sealed record TextReply(string Content, int ChunkSize) : ScriptedReply;

/// <summary>See <see cref="ScriptedReply.Status"/>.</summary>
public sealed record StatusReply(int StatusCode, string? RetryAfter) : ScriptedReply;

/// <summary>See <see cref="ScriptedReply.Truncated"/>.</summary>
public sealed record TruncatedReply(string Content) : ScriptedReply;

/// <summary>The scripted server.</summary>
public sealed class ScriptedOpenAiServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentQueue<ScriptedReply> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Starts listening on a free port of 127.0.0.1.</summary>
    public ScriptedOpenAiServer()
    {
        for (var tries = 0; ; tries++)
        {
            var port = FreePort();
            _listener?.Close();
            _listener = new HttpListener();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                RootUrl = $"http://127.0.0.1:{port}";
                BaseUrl = RootUrl + "/v1";
                break;
            }
            catch (HttpListenerException) when (tries < 5)
            {
            }
        }
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>http://127.0.0.1:PORT, without a path.</summary>
    public string RootUrl { get; }

    /// <summary>The base URL to configure, ending in /v1.</summary>
    public string BaseUrl { get; }

    /// <summary>Requests received so far, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>Queues replies, answered one per request in order. Unscripted requests get HTTP 599.</summary>
    public ScriptedOpenAiServer Enqueue(params ScriptedReply[] replies)
    {
        foreach (var r in replies)
        {
            _script.Enqueue(r);
        }
        return this;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var arrivedAt = _clock.Elapsed;
        var response = context.Response;
        try
        {
            var request = context.Request;
            string body;
            using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync().ConfigureAwait(false);
            }
            var headers = request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!, k => request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            _requests.Enqueue(new RecordedRequest(request.HttpMethod, request.Url!.AbsolutePath, request.Url.Query, headers, body, arrivedAt));

            if (!_script.TryDequeue(out var reply))
            {
                await WriteError(response, 599, "unscripted request").ConfigureAwait(false);
                return;
            }
            if (reply.Delay > TimeSpan.Zero)
            {
                await Task.Delay(reply.Delay, _stop.Token).ConfigureAwait(false);
            }
            var stream = body.Contains("\"stream\":true", StringComparison.Ordinal);
            switch (reply)
            {
                case StatusReply s:
                    if (s.RetryAfter is not null)
                    {
                        response.AddHeader("Retry-After", s.RetryAfter);
                    }
                    await WriteError(response, s.StatusCode, $"scripted status {s.StatusCode}").ConfigureAwait(false);
                    break;
                case TextReply t when stream:
                    await WriteStream(response, Chunks(t.Content, t.ChunkSize), finish: true).ConfigureAwait(false);
                    break;
                case TextReply t:
                    await WriteJson(response, 200, Completion(t.Content)).ConfigureAwait(false);
                    break;
                case TruncatedReply t:
                    await WriteStream(response, Chunks(t.Content, 8), finish: false).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (HttpListenerException)
        {
            // The client went away (e.g. it timed out or was cancelled).
        }
        catch (IOException)
        {
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception)
            {
            }
        }
    }

    private static IEnumerable<string> Chunks(string s, int size)
    {
        for (var i = 0; i < s.Length; i += size)
        {
            yield return s.Substring(i, Math.Min(size, s.Length - i));
        }
    }

    private static string Completion(string content) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-test",
        @object = "chat.completion",
        created = 1_700_000_000,
        model = "test-model",
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 1, completion_tokens = 1, total_tokens = 2 },
    });

    private static string Chunk(string? content, string? finish) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-test",
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model = "test-model",
        choices = new[] { new { index = 0, delta = content is null ? (object)new { } : new { role = "assistant", content }, finish_reason = finish } },
    });

    private static async Task WriteStream(HttpListenerResponse response, IEnumerable<string> chunks, bool finish)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.SendChunked = true;
        var output = response.OutputStream;
        foreach (var c in chunks)
        {
            await Write(output, $"data: {Chunk(c, null)}\n\n").ConfigureAwait(false);
        }
        if (finish)
        {
            await Write(output, $"data: {Chunk(null, "stop")}\n\n").ConfigureAwait(false);
            await Write(output, "data: [DONE]\n\n").ConfigureAwait(false);
        }
    }

    private static async Task Write(Stream output, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await output.WriteAsync(bytes).ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
    }

    private static Task WriteError(HttpListenerResponse response, int status, string message) =>
        WriteJson(response, status, JsonSerializer.Serialize(new { error = new { message, type = "test_error", code = status.ToString(System.Globalization.CultureInfo.InvariantCulture) } }));

    private static async Task WriteJson(HttpListenerResponse response, int status, string json)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(json);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
    }
}
