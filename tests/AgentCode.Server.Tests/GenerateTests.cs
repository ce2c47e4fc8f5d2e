// agentcode/generate over the real server, against a real HTTP server speaking the OpenAI wire format: the
// prompt carries the context, tokens stream through $/progress, and failed attempts are repaired with the
// error sent back to the model.
using System.Text.Json;
using AgentCode.Server.Tests.Infrastructure;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class GenerateTests
{
    internal static object Settings(ScriptedOpenAiServer server, int maxAttempts = 3, double timeoutSeconds = 60, bool stream = true) => new
    {
        llm = new { baseUrl = server.BaseUrl, model = "test-model", apiKey = "sk-test", timeoutSeconds, stream },
        generate = new { maxAttempts },
    };

    private static IEnumerable<JsonElement> Progress(LspTestClient client, string token) => client.Notifications
        .Where(n => n.GetProperty("method").GetString() == "$/progress" && n.GetProperty("params").GetProperty("token").GetString() == token)
        .Select(n => n.GetProperty("params").GetProperty("value"));

    [Fact]
    public async Task ItStreamsTokensAndReturnsCodeThatPassedItsTrialRunWithTheContextInThePrompt()
    {
        var csv = TestData.SalesCsv();
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Code(TestData.SumSales));
        await using var client = await LspTestClient.StartInitializedAsync(Settings(server));

        var result = await client.RequestAsync("agentcode/generate", new
        {
            prompt = "Total the sales amounts",
            context = new
            {
                selection = "# the selected line",
                activeFile = new { uri = "file:///work/report.py", text = "REPORT_TITLE = 'Sales'\n" },
                dataFiles = new[] { csv },
            },
            workDoneToken = "w1",
            partialResultToken = "p1",
        });

        Assert.True(result.GetProperty("final").GetProperty("ok").GetBoolean());
        Assert.Equal("Total the sales amounts", result.GetProperty("prompt").GetString());
        Assert.Equal("test-model", result.GetProperty("model").GetString());
        var attempt = Assert.Single(result.GetProperty("attempts").EnumerateArray());
        Assert.Equal("ok", attempt.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal(TestData.SumSalesOutput, attempt.GetProperty("run").GetProperty("stdout").GetString()!.Trim());
        Assert.False(attempt.GetProperty("check").GetProperty("blocking").GetBoolean());

        // Streamed tokens add up to the reply; they arrived before the response.
        var tokens = Progress(client, "p1").Where(v => v.GetProperty("kind").GetString() == "token").ToList();
        Assert.True(tokens.Count > 3);
        Assert.Equal(attempt.GetProperty("reply").GetString(), string.Concat(tokens.Select(t => t.GetProperty("text").GetString())));
        Assert.Contains(Progress(client, "p1"), v => v.GetProperty("kind").GetString() == "attempt");
        var work = Progress(client, "w1").Select(v => v.GetProperty("kind").GetString()).ToList();
        Assert.Equal("begin", work[0]);
        Assert.Equal("end", work[^1]);
        Assert.Contains("report", work);

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer sk-test", request.Headers["Authorization"]);
        Assert.Equal("test-model", request.Json.GetProperty("model").GetString());
        var prompt = request.AllMessages;
        Assert.Contains("Total the sales amounts", prompt, StringComparison.Ordinal);
        Assert.Contains("# the selected line", prompt, StringComparison.Ordinal);
        Assert.Contains("REPORT_TITLE = 'Sales'", prompt, StringComparison.Ordinal);
        Assert.Contains("/data/sales.csv", prompt, StringComparison.Ordinal);
        Assert.Contains("region,month,amount", prompt, StringComparison.Ordinal);
        Assert.Contains("east,2026-01,50", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("east,2026-02,60", prompt, StringComparison.Ordinal); // Only the first 5 rows.
    }

    [Fact]
    public async Task AnExceptionInTheTrialRunIsSentBackAndTheRepairedCodeIsReturned()
    {
        var csv = TestData.SalesCsv();
        using var server = new ScriptedOpenAiServer().Enqueue(
            ScriptedReply.Code("import csv\nrows = list(csv.DictReader(open('/data/sales.csv')))\nprint(len(rows) / 0)"),
            ScriptedReply.Code(TestData.SumSales));
        await using var client = await LspTestClient.StartInitializedAsync(Settings(server));

        var result = await client.RequestAsync("agentcode/generate", new { prompt = "Sum the sales", context = new { dataFiles = new[] { csv } } });

        var attempts = result.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal("runtime", attempts[0].GetProperty("error").GetProperty("kind").GetString());
        Assert.Equal("error", attempts[0].GetProperty("run").GetProperty("status").GetString());
        Assert.Equal("ZeroDivisionError", attempts[0].GetProperty("run").GetProperty("error").GetProperty("type").GetString());
        Assert.False(attempts[1].TryGetProperty("error", out _));
        Assert.True(result.GetProperty("final").GetProperty("ok").GetBoolean());
        Assert.Equal(attempts[1].GetProperty("code").GetString(), result.GetProperty("final").GetProperty("code").GetString());

        Assert.Equal(2, server.Requests.Count);
        var repair = server.Requests[1];
        Assert.Contains("ZeroDivisionError", repair.LastMessage, StringComparison.Ordinal);
        Assert.Contains("Traceback", repair.LastMessage, StringComparison.Ordinal);
        // The conversation carries the first reply, so the model sees what it wrote.
        Assert.Contains("len(rows) / 0", repair.AllMessages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReplyWithoutCodeAndBlockedCodeAreEachRepaired()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(
            ScriptedReply.Text("I would rather explain it in words."),
            ScriptedReply.Code("import subprocess\nsubprocess.run(['ls'])"),
            ScriptedReply.Code("print('fine')"));
        await using var client = await LspTestClient.StartInitializedAsync(Settings(server));

        var result = await client.RequestAsync("agentcode/generate", new { prompt = "List files" });

        var attempts = result.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(3, attempts.Count);
        Assert.Equal("no-code", attempts[0].GetProperty("error").GetProperty("kind").GetString());
        Assert.False(attempts[0].TryGetProperty("code", out _));
        Assert.Equal("blocked", attempts[1].GetProperty("error").GetProperty("kind").GetString());
        Assert.False(attempts[1].TryGetProperty("run", out _));
        Assert.True(result.GetProperty("final").GetProperty("ok").GetBoolean());
        Assert.Contains("code block", server.Requests[1].LastMessage, StringComparison.Ordinal);
        Assert.Contains("AC101", server.Requests[2].LastMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhenEveryAttemptFailsTheLastCodeIsKeptWithAClearError()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(
            ScriptedReply.Code("print(undefined_name)"),
            ScriptedReply.Code("def broken(:\n    pass"));
        await using var client = await LspTestClient.StartInitializedAsync(Settings(server, maxAttempts: 2));

        var result = await client.RequestAsync("agentcode/generate", new { prompt = "Do something" });

        var attempts = result.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal("runtime", attempts[0].GetProperty("error").GetProperty("kind").GetString());
        Assert.Equal("syntax", attempts[1].GetProperty("error").GetProperty("kind").GetString());
        Assert.False(result.GetProperty("final").GetProperty("ok").GetBoolean());
        Assert.Equal("def broken(:\n    pass\n", result.GetProperty("final").GetProperty("code").GetString());
        Assert.Equal("attempts-exhausted", result.GetProperty("error").GetProperty("kind").GetString());
        // The error names each attempt's cause, not only that they failed.
        var message = result.GetProperty("error").GetProperty("message").GetString() ?? "";
        Assert.Contains("attempt 1: NameError", message, StringComparison.Ordinal);
        Assert.Contains("attempt 2: SyntaxError", message, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains("NameError", server.Requests[1].LastMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANonStreamingServerIsSupportedWhenStreamingIsOff()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Code("print(6 * 7)"));
        await using var client = await LspTestClient.StartInitializedAsync(Settings(server, stream: false));

        var result = await client.RequestAsync("agentcode/generate", new { prompt = "Multiply" });

        Assert.True(result.GetProperty("final").GetProperty("ok").GetBoolean());
        Assert.Equal("42", result.GetProperty("attempts")[0].GetProperty("run").GetProperty("stdout").GetString()!.Trim());
        Assert.False(server.Requests[0].Json.TryGetProperty("stream", out var s) && s.GetBoolean());
    }

    [Fact]
    public async Task ATrialRunThatHitsItsDeadlineIsSentBackAsATimeout()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(
            ScriptedReply.Code("import time\nwhile True:\n    time.sleep(0.5)"),
            ScriptedReply.Code("print('done')"));
        // A deadline the repaired program meets even when the machine is busy; the first one sleeps past it
        // without spinning a core.
        await using var client = await LspTestClient.StartInitializedAsync(new
        {
            llm = new { baseUrl = server.BaseUrl, model = "test-model", apiKey = "sk-test" },
            sandbox = new { timeoutSeconds = 4 },
        });

        var result = await client.RequestAsync("agentcode/generate", new { prompt = "Loop" });

        var attempts = result.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal("run-timeout", attempts[0].GetProperty("error").GetProperty("kind").GetString());
        Assert.Equal("timeout", attempts[0].GetProperty("run").GetProperty("status").GetString());
        Assert.True(result.GetProperty("final").GetProperty("ok").GetBoolean());
        Assert.NotEmpty(server.Requests[1].LastMessage);
    }
}
