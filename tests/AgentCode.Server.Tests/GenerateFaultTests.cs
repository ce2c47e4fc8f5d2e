// Every way the model call can fail gives a clear, classified error and keeps what the user typed and what the
// model sent: missing key, 401, 429 (retried honouring Retry-After), 5xx (retried), timeouts, truncated
// streams, cancellation; plus Azure-style and key-less local endpoints.
using AgentCode.Server.Tests.Infrastructure;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class GenerateFaultTests
{
    private static async Task<System.Text.Json.JsonElement> Generate(LspTestClient client, string prompt = "Print hello") =>
        await client.RequestAsync("agentcode/generate", new { prompt });

    private static string ErrorKind(System.Text.Json.JsonElement result) => result.GetProperty("error").GetProperty("kind").GetString()!;

    private static string ErrorMessage(System.Text.Json.JsonElement result) => result.GetProperty("error").GetProperty("message").GetString()!;

    [Fact]
    public async Task WithoutAKeyOrBaseUrlNoRequestIsMadeAndTheErrorSaysWhatToDo()
    {
        await using var client = await LspTestClient.StartInitializedAsync(new { llm = new { model = "m" } });
        var error = await Assert.ThrowsAsync<LspErrorException>(() => Generate(client, "My long careful prompt"));
        Assert.Equal(-32001, error.Code);
        Assert.StartsWith("No API key: run 'AgentCode: Set API Key'", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("My long careful prompt", error.ErrorData!.Value.GetProperty("prompt").GetString());
    }

    [Fact]
    public async Task TheKeyCanComeFromTheEnvironment()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Code("print('hello')"));
        await using var client = await LspTestClient.StartInitializedAsync(env: new Dictionary<string, string>
        {
            ["AGENTCODE_API_KEY"] = "sk-env",
            ["OPENAI_BASE_URL"] = server.BaseUrl,
            ["AGENTCODE_MODEL"] = "env-model",
        });
        var result = await Generate(client);
        Assert.True(result.GetProperty("final").GetProperty("ok").GetBoolean());
        Assert.Equal("Bearer sk-env", server.Requests[0].Headers["Authorization"]);
        Assert.Equal("env-model", server.Requests[0].Json.GetProperty("model").GetString());
    }

    [Fact]
    public async Task AnEnvironmentKeyIsNotSentWhenTheClientSaysTheEndpointIsNotTheUsers()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Code("print('hello')"));
        await using var client = await LspTestClient.StartInitializedAsync(
            new { llm = new { baseUrl = server.BaseUrl, model = "m", useEnvironmentKey = false } },
            new Dictionary<string, string> { ["AGENTCODE_API_KEY"] = "sk-env", ["OPENAI_API_KEY"] = "sk-openai-env" });
        var result = await Generate(client);
        Assert.True(result.GetProperty("final").GetProperty("ok").GetBoolean());
        Assert.False(server.Requests[0].Headers.ContainsKey("Authorization"), "no Authorization header at all");
        Assert.DoesNotContain("sk-", string.Join("\n", server.Requests[0].Headers.Values), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedKeyIsReportedWithoutRetrying()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Status(401));
        await using var client = await LspTestClient.StartInitializedAsync(GenerateTests.Settings(server));
        var result = await Generate(client, "Keep this prompt");
        Assert.Equal("unauthorized", ErrorKind(result));
        Assert.Contains("API key", ErrorMessage(result), StringComparison.Ordinal);
        Assert.Equal("Keep this prompt", result.GetProperty("prompt").GetString());
        Assert.False(result.GetProperty("final").GetProperty("ok").GetBoolean());
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task RateLimitingIsRetriedAfterRetryAfterAndThenSucceeds()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Status(429, retryAfter: "2"), ScriptedReply.Code("print('hello')"));
        await using var client = await LspTestClient.StartInitializedAsync(GenerateTests.Settings(server));
        var result = await Generate(client);
        Assert.True(result.GetProperty("final").GetProperty("ok").GetBoolean());
        Assert.Equal(2, server.Requests.Count);
        // The retry waited the 2 s the server asked for; the fallback back-off would have retried after 0.5 s.
        var wait = server.Requests[1].ArrivedAt - server.Requests[0].ArrivedAt;
        Assert.InRange(wait, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task PersistentRateLimitingEndsWithAClearErrorAfterBoundedRetries()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(
            ScriptedReply.Status(429, "0"), ScriptedReply.Status(429, "0"), ScriptedReply.Status(429, "0"), ScriptedReply.Status(429, "0"));
        await using var client = await LspTestClient.StartInitializedAsync(GenerateTests.Settings(server));
        var result = await Generate(client);
        Assert.Equal("rate-limited", ErrorKind(result));
        Assert.Contains("429", ErrorMessage(result), StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task AServerErrorIsRetriedAndThenSucceeds()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Status(503), ScriptedReply.Code("print('hello')"));
        await using var client = await LspTestClient.StartInitializedAsync(GenerateTests.Settings(server));
        var result = await Generate(client);
        Assert.True(result.GetProperty("final").GetProperty("ok").GetBoolean());
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task PersistentServerErrorsEndWithAClearError()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Status(500), ScriptedReply.Status(500), ScriptedReply.Status(500));
        await using var client = await LspTestClient.StartInitializedAsync(GenerateTests.Settings(server));
        var result = await Generate(client);
        Assert.Equal("server-error", ErrorKind(result));
        Assert.Contains("500", ErrorMessage(result), StringComparison.Ordinal);
        // The server's own words (the error body's message) are part of the sentence.
        Assert.Contains("The server said: scripted status 500", ErrorMessage(result), StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task ASlowModelTimesOutWithAClearError()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Code("print(1)") with { Delay = TimeSpan.FromSeconds(60) });
        await using var client = await LspTestClient.StartInitializedAsync(GenerateTests.Settings(server, timeoutSeconds: 2));
        var result = await Generate(client);
        Assert.Equal("timeout", ErrorKind(result));
        Assert.Contains("timeoutSeconds", ErrorMessage(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATruncatedStreamIsReportedAndThePartialReplyIsKept()
    {
        const string partial = "Here you go:\n```python\nimport csv\nprint(";
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Truncated(partial));
        await using var client = await LspTestClient.StartInitializedAsync(GenerateTests.Settings(server));
        var result = await Generate(client);
        Assert.Equal("truncated", ErrorKind(result));
        Assert.Equal(partial, result.GetProperty("attempts")[0].GetProperty("reply").GetString());
    }

    [Fact]
    public async Task CancellingAGenerationStopsTheModelCallAndTheServerStillAnswers()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Code("print(1)") with { Delay = TimeSpan.FromSeconds(120) });
        await using var client = await LspTestClient.StartInitializedAsync(GenerateTests.Settings(server, timeoutSeconds: 300));
        var (id, response) = await client.SendRequestAsync("agentcode/generate", new { prompt = "Slow" });
        var until = DateTime.UtcNow + LspTestClient.Deadline;
        while (server.Requests.Count == 0 && DateTime.UtcNow < until)
        {
            await Task.Delay(25);
        }
        await client.CancelAsync(id);
        var error = await Assert.ThrowsAsync<LspErrorException>(() => client.ResultOf(response, TimeSpan.FromSeconds(60)));
        Assert.Equal(-32800, error.Code);
        var lenses = await client.RequestAsync("textDocument/codeLens", new { textDocument = new { uri = "file:///x.py" } });
        Assert.Equal(0, lenses.GetArrayLength());
    }

    [Fact]
    public async Task AnAzureStyleDeploymentUrlGetsTheApiKeyHeaderAndApiVersion()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Code("print('azure')"));
        await using var client = await LspTestClient.StartInitializedAsync(new
        {
            llm = new { baseUrl = server.RootUrl + "/openai/deployments/my-deployment", model = "my-deployment", apiKey = "azure-key", apiVersion = "2024-10-21" },
        });
        var result = await Generate(client);
        Assert.True(result.GetProperty("final").GetProperty("ok").GetBoolean());
        var request = server.Requests[0];
        Assert.Equal("/openai/deployments/my-deployment/chat/completions", request.Path);
        Assert.Contains("api-version=2024-10-21", request.Query, StringComparison.Ordinal);
        Assert.Equal("azure-key", request.Headers["api-key"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task ALocalServerNeedsNoKeyAndGetsNoAuthorizationHeader()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Code("print('local')"));
        await using var client = await LspTestClient.StartInitializedAsync(new { llm = new { baseUrl = server.BaseUrl, model = "llama3" } });
        var result = await Generate(client);
        Assert.True(result.GetProperty("final").GetProperty("ok").GetBoolean());
        Assert.False(server.Requests[0].Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task AnUnreachableServerIsANetworkError()
    {
        string url;
        using (var gone = new ScriptedOpenAiServer())
        {
            url = gone.BaseUrl;
        }
        await using var client = await LspTestClient.StartInitializedAsync(new { llm = new { baseUrl = url, apiKey = "k", timeoutSeconds = 60 } });
        var result = await Generate(client);
        Assert.Equal("network", ErrorKind(result));
        Assert.Contains(url, ErrorMessage(result), StringComparison.Ordinal);
    }
}
