// 'agentcode generate' as a process against the scripted OpenAI server: text and JSON output and exit codes.
using System.Text.Json;
using AgentCode.Server.Tests.Infrastructure;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class GenerateCommandTests
{
    private static Dictionary<string, string> Env(ScriptedOpenAiServer server) => new()
    {
        ["AGENTCODE_BASE_URL"] = server.BaseUrl,
        ["AGENTCODE_API_KEY"] = "sk-cli",
        ["AGENTCODE_MODEL"] = "cli-model",
    };

    [Fact]
    public async Task ItPrintsTheCodeAndAnAttemptsSummaryAndExitsZero()
    {
        var csv = TestData.SalesCsv();
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Code("print(1 / 0)"), ScriptedReply.Code(TestData.SumSales));
        var outcome = await AgentCodeProcess.RunAsync(["generate", "Total the sales", "--data", csv], Env(server));
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.Equal(TestData.SumSales + "\n", outcome.Stdout);
        Assert.Contains("attempt 1: failed (runtime)", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("attempt 2: passed", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("region,month,amount", server.Requests[0].AllMessages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonFormatPrintsTheWholeResult()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Code("print('hi')"));
        var outcome = await AgentCodeProcess.RunAsync(["generate", "Say hi", "--format", "json", "--model", "flag-model"], Env(server));
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var result = JsonDocument.Parse(outcome.Stdout).RootElement;
        Assert.True(result.GetProperty("final").GetProperty("ok").GetBoolean());
        Assert.Equal("flag-model", result.GetProperty("model").GetString());
        Assert.Equal("hi\n", result.GetProperty("attempts")[0].GetProperty("run").GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task WhenEveryAttemptFailsItExitsOneAndStillPrintsTheCode()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Code("raise ValueError('nope')"));
        var outcome = await AgentCodeProcess.RunAsync(["generate", "Fail", "--attempts", "1"], Env(server));
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("raise ValueError('nope')", outcome.Stdout, StringComparison.Ordinal);
        Assert.Contains("ValueError", outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAKeyItExitsTwoWithAClearMessage()
    {
        var outcome = await AgentCodeProcess.RunAsync(["generate", "Anything"]);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("No API key", outcome.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingDataFileExitsTwo()
    {
        using var server = new ScriptedOpenAiServer();
        var outcome = await AgentCodeProcess.RunAsync(["generate", "Anything", "--data", "/no/such.csv"], Env(server));
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("/no/such.csv", outcome.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }
}
