// Talks to an OpenAI-compatible chat-completions endpoint through the OpenAI .NET SDK: OpenAI itself, Azure
// OpenAI deployment URLs (api-version query, api-key header) and local servers such as Ollama. Streams tokens
// to a callback, retries 429 and 5xx a bounded number of times, and turns every failure into a ModelReply value.
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Text;
using AgentCode.Server.Settings;
using OpenAI;
using OpenAI.Chat;

namespace AgentCode.Server.Generation;

/// <summary>A chat message of a conversation with the model: role "system", "user" or "assistant".</summary>
public sealed record ChatTurn(string Role, string Text);

/// <summary>Calls the model and classifies failures.</summary>
/// <param name="log">Receives one line per failed call (stderr in the server).</param>
public sealed class ChatModelClient(Action<string> log)
{
    /// <summary>Retries after the first try for 429 and 5xx responses.</summary>
    public const int MaxRetries = 2;

    /// <summary>Message shown when neither a key nor a base URL is configured.</summary>
    public const string NoApiKeyMessage =
        "No API key: run 'AgentCode: Set API Key', set AGENTCODE_API_KEY or OPENAI_API_KEY, or set agentcode.llm.baseUrl for a local server.";

    /// <summary>Checks the endpoint before any request: a failure when nothing can be sent, else null.</summary>
    public static ModelReply.Failure? Validate(ModelEndpoint endpoint)
    {
        if (endpoint.BaseUrl is not null
            && (!Uri.TryCreate(endpoint.BaseUrl, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps)))
        {
            return new(GenerationErrorKinds.BadBaseUrl,
                $"The model base URL '{endpoint.BaseUrl}' is not an http(s) URL: fix agentcode.llm.baseUrl or AGENTCODE_BASE_URL.", "");
        }
        return endpoint.ApiKey is null && endpoint.BaseUrl is null ? new(GenerationErrorKinds.NoApiKey, NoApiKeyMessage, "") : null;
    }

    /// <summary>
    /// Sends the conversation and returns the reply. Tokens are passed to <paramref name="onToken"/> as they
    /// arrive. Throws only <see cref="OperationCanceledException"/>, when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<ModelReply> CompleteAsync(
        ModelEndpoint endpoint, IReadOnlyList<ChatTurn> turns, Action<string> onToken, CancellationToken cancellationToken)
    {
        if (Validate(endpoint) is { } invalid)
        {
            return invalid;
        }
        var client = CreateClient(endpoint);
        var messages = turns.Select(ToMessage).ToList();
        var partial = new StringBuilder();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(endpoint.Timeout);
        try
        {
            if (!endpoint.Stream)
            {
                var completion = (await client.CompleteChatAsync(messages, new ChatCompletionOptions(), deadline.Token).ConfigureAwait(false)).Value;
                var text = string.Concat(completion.Content.Select(p => p.Text));
                onToken(text);
                return new ModelReply.Success(text);
            }
            ChatFinishReason? finish = null;
            await foreach (var update in client.CompleteChatStreamingAsync(messages, new ChatCompletionOptions(), deadline.Token).ConfigureAwait(false))
            {
                foreach (var part in update.ContentUpdate)
                {
                    if (!string.IsNullOrEmpty(part.Text))
                    {
                        partial.Append(part.Text);
                        onToken(part.Text);
                    }
                }
                finish ??= update.FinishReason;
            }
            return finish is null
                ? new ModelReply.Failure(GenerationErrorKinds.Truncated,
                    "The model's reply stream ended before the model finished; the partial reply is kept. Try again.", partial.ToString())
                : new ModelReply.Success(partial.ToString());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return new ModelReply.Failure(GenerationErrorKinds.Timeout,
                $"The model did not finish within {endpoint.Timeout.TotalSeconds:0.#} s: try again or raise agentcode.llm.timeoutSeconds.",
                partial.ToString());
        }
        catch (ClientResultException e)
        {
            log($"Model call failed with HTTP {e.Status}.");
            return Classify(e, endpoint, partial.ToString());
        }
        catch (AggregateException e)
        {
            // The retry policy gave up; the last try's failure is the one to report.
            var last = e.InnerExceptions[^1];
            log($"Model call failed after retries: {last.Message}");
            return last is ClientResultException { Status: > 0 } result
                ? Classify(result, endpoint, partial.ToString())
                : new ModelReply.Failure(GenerationErrorKinds.Network,
                    $"Could not reach the model server at {DisplayUrl(endpoint)}: {last.Message} Check agentcode.llm.baseUrl and that the server is running.",
                    partial.ToString());
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            log($"Model call failed: {e.GetType().Name}: {e.Message}");
            if (partial.Length > 0 || e is IOException)
            {
                return new ModelReply.Failure(GenerationErrorKinds.Truncated,
                    "The connection to the model server broke while the reply was streaming; the partial reply is kept. Try again.",
                    partial.ToString());
            }
            return new ModelReply.Failure(GenerationErrorKinds.Network,
                $"Could not reach the model server at {DisplayUrl(endpoint)}: {e.Message}. Check agentcode.llm.baseUrl and that the server is running.",
                "");
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return new ModelReply.Failure(GenerationErrorKinds.BadRequest,
                $"The model server at {DisplayUrl(endpoint)} sent a reply that is not an OpenAI chat completion. Check agentcode.llm.baseUrl.",
                partial.ToString());
        }
    }

    private static ModelReply.Failure Classify(ClientResultException e, ModelEndpoint endpoint, string partial)
    {
        var status = e.Status;
        return status switch
        {
            401 or 403 => new(GenerationErrorKinds.Unauthorized,
                $"The model server refused the API key (HTTP {status}): check it with 'AgentCode: Set API Key' or AGENTCODE_API_KEY.", partial),
            429 => new(GenerationErrorKinds.RateLimited,
                $"The model server is rate limiting requests (HTTP 429), still after {MaxRetries} retries: wait a minute and try again, or check your quota.", partial),
            >= 500 => new(GenerationErrorKinds.ServerError,
                $"The model server failed (HTTP {status}), still after {MaxRetries} retries: try again later.{ServerSays(e)}", partial),
            404 => new(GenerationErrorKinds.BadRequest,
                $"The model server has no model '{endpoint.Model}' at {DisplayUrl(endpoint)} (HTTP 404): check agentcode.llm.model and agentcode.llm.baseUrl.", partial),
            0 => new(GenerationErrorKinds.Network,
                $"Could not reach the model server at {DisplayUrl(endpoint)}. Check agentcode.llm.baseUrl and that the server is running.", partial),
            _ => new(GenerationErrorKinds.BadRequest,
                $"The model server rejected the request (HTTP {status}): {FirstLine(e.Message)}", partial),
        };
    }

    /// <summary>
    /// The model server's own words from an error response, as " The server said: ..." (empty when it sent none):
    /// the <c>error.message</c> of an OpenAI-style JSON body, else the first line of a text body.
    /// </summary>
    private static string ServerSays(ClientResultException e)
    {
        string body;
        try
        {
            body = e.GetRawResponse()?.Content?.ToString() ?? "";
        }
        catch (InvalidOperationException)
        {
            return ""; // a streamed body that was not buffered
        }
        if (string.IsNullOrWhiteSpace(body))
        {
            return "";
        }
        var said = body;
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && json.RootElement.TryGetProperty("error", out var error))
            {
                said = error.ValueKind == System.Text.Json.JsonValueKind.Object && error.TryGetProperty("message", out var m)
                    && m.ValueKind == System.Text.Json.JsonValueKind.String
                    ? m.GetString() ?? body
                    : error.ValueKind == System.Text.Json.JsonValueKind.String ? error.GetString() ?? body : body;
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON: the text itself is the message.
        }
        var line = FirstLine(said);
        return line.Length == 0 ? "" : $" The server said: {line}";
    }

    private static string FirstLine(string s)
    {
        var line = s.Split('\n', 2)[0].Trim();
        return line.Length > 300 ? line[..300] : line;
    }

    private static string DisplayUrl(ModelEndpoint endpoint) => endpoint.BaseUrl ?? "https://api.openai.com/v1";

    private static ChatMessage ToMessage(ChatTurn turn) => turn.Role switch
    {
        "system" => new SystemChatMessage(turn.Text),
        "assistant" => new AssistantChatMessage(turn.Text),
        _ => new UserChatMessage(turn.Text),
    };

    private static ChatClient CreateClient(ModelEndpoint endpoint)
    {
        var options = new OpenAIClientOptions
        {
            // Our own deadline (in CompleteAsync) covers the whole call; the network timeout only backs it up.
            NetworkTimeout = endpoint.Timeout + TimeSpan.FromSeconds(30),
            RetryPolicy = new BoundedRetryPolicy(MaxRetries),
        };
        Uri? baseUri = endpoint.BaseUrl is null ? null : new Uri(endpoint.BaseUrl);
        if (baseUri is not null)
        {
            options.Endpoint = baseUri;
        }
        var azure = endpoint.ApiVersion is not null
            || (baseUri?.Host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase) ?? false);
        if (azure || endpoint.ApiKey is null)
        {
            options.AddPolicy(new AuthHeaderPolicy(endpoint.ApiKey, azure ? endpoint.ApiVersion ?? AzureDefaultApiVersion : null),
                PipelinePosition.BeforeTransport);
        }
        // The SDK insists on a credential; with no key the placeholder is stripped by AuthHeaderPolicy.
        return new ChatClient(endpoint.Model, new ApiKeyCredential(endpoint.ApiKey ?? "none"), options);
    }

    /// <summary>api-version used for Azure-style endpoints when none is configured.</summary>
    public const string AzureDefaultApiVersion = "2024-10-21";

    /// <summary>
    /// Rewrites authentication for servers that are not OpenAI proper: Azure wants an <c>api-key</c> header and an
    /// <c>api-version</c> query; a local server without a key gets no Authorization header at all.
    /// </summary>
    private sealed class AuthHeaderPolicy(string? apiKey, string? azureApiVersion) : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Rewrite(message);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Rewrite(message);
            return ProcessNextAsync(message, pipeline, currentIndex);
        }

        private void Rewrite(PipelineMessage message)
        {
            var request = message.Request;
            request.Headers.Remove("Authorization");
            if (azureApiVersion is null)
            {
                return;
            }
            if (apiKey is not null)
            {
                request.Headers.Set("api-key", apiKey);
            }
            if (request.Uri is { } uri && !uri.Query.Contains("api-version=", StringComparison.Ordinal))
            {
                var builder = new UriBuilder(uri);
                var q = builder.Query.TrimStart('?');
                builder.Query = (q.Length > 0 ? q + "&" : "") + "api-version=" + Uri.EscapeDataString(azureApiVersion);
                request.Uri = builder.Uri;
            }
        }
    }

    /// <summary>Retries 429 and 5xx a bounded number of times, honouring Retry-After (capped) or backing off exponentially.</summary>
    private sealed class BoundedRetryPolicy(int maxRetries) : ClientRetryPolicy(maxRetries)
    {
        private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(20);

        protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount)
        {
            if (message.Response?.Headers is { } headers)
            {
                if (headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var m))
                {
                    return Cap(TimeSpan.FromMilliseconds(m));
                }
                if (headers.TryGetValue("Retry-After", out var ra) && ra is not null)
                {
                    if (double.TryParse(ra, NumberStyles.Float, CultureInfo.InvariantCulture, out var s))
                    {
                        return Cap(TimeSpan.FromSeconds(s));
                    }
                    if (DateTimeOffset.TryParse(ra, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                    {
                        return Cap(at - DateTimeOffset.UtcNow);
                    }
                }
            }
            return Cap(TimeSpan.FromMilliseconds(500 * Math.Pow(2, tryCount - 1)));
        }

        private static TimeSpan Cap(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t > MaxDelay ? MaxDelay : t;
    }
}
