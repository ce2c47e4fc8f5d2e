// Packages installed for the review panel only: the model is told them in the capability card, a trial run that
// stops at importing one is reported as skipped (the server sandbox cannot import it) and the attempt passes, an
// import of anything else still fails the trial run, a failure in the panel comes back as the next attempt after the
// earlier ones, and a malformed package list or a history without attempts left is refused as bad input.
using System.Text.Json;
using AgentCode.Server.Tests.Infrastructure;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class GeneratePanelPackagesTests
{
    private static readonly object[] Pandas = [new { name = "pandas", version = "3.0.2", imports = new[] { "pandas" } }];

    [Fact]
    public async Task ATrialRunThatImportsAPanelPackageIsSkippedAndTheModelIsToldWhatIsInstalled()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Code("import pandas as pd\nprint(pd.DataFrame({'a': [1]}))"));
        await using var client = await LspTestClient.StartInitializedAsync(GenerateTests.Settings(server));

        var result = await client.RequestAsync("agentcode/generate", new { prompt = "Show a table", context = new { panelPackages = Pandas } });

        var attempt = Assert.Single(result.GetProperty("attempts").EnumerateArray());
        var run = attempt.GetProperty("run");
        Assert.Equal("skipped", run.GetProperty("status").GetString());
        Assert.Equal("skipped: needs pandas (panel only)", run.GetProperty("message").GetString());
        Assert.False(attempt.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null);
        Assert.True(result.GetProperty("final").GetProperty("ok").GetBoolean());
        var system = server.Requests[0].AllMessages;
        Assert.Contains("Installed in the review panel only:** pandas 3.0.2 (`import pandas`)", system, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task AnImportThatIsNotAPanelPackageStillFailsTheTrialRun()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(
            ScriptedReply.Code("import numpy\nprint(numpy.zeros(2))"),
            ScriptedReply.Code("print('no numpy')"));
        await using var client = await LspTestClient.StartInitializedAsync(GenerateTests.Settings(server));

        var result = await client.RequestAsync("agentcode/generate", new { prompt = "Print zeros", context = new { panelPackages = Pandas } });

        var attempts = result.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal("error", attempts[0].GetProperty("run").GetProperty("status").GetString());
        Assert.Equal("ok", attempts[1].GetProperty("run").GetProperty("status").GetString());
        Assert.Contains("No module named 'numpy'", server.Requests[1].LastMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailureInThePanelGoesBackToTheModelAfterTheEarlierAttemptsAndCountsAsOne()
    {
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Code("import pandas as pd\nprint(pd.DataFrame({'a': [2]}))"));
        await using var client = await LspTestClient.StartInitializedAsync(GenerateTests.Settings(server));
        var history = new[]
        {
            new { reply = "```python\nimport pandas as pd\nprint(pd.DataFrame({'a': [1]}).b)\n```", problem = "The code failed when it ran in the review panel:\nAttributeError: 'DataFrame' object has no attribute 'b'" },
        };

        var result = await client.RequestAsync("agentcode/generate", new { prompt = "Show a table", maxAttempts = 3, history, context = new { panelPackages = Pandas } });

        var attempt = Assert.Single(result.GetProperty("attempts").EnumerateArray());
        Assert.Equal(2, attempt.GetProperty("attempt").GetInt32());
        Assert.Equal("skipped", attempt.GetProperty("run").GetProperty("status").GetString());
        var sent = server.Requests[0].AllMessages;
        Assert.Contains("print(pd.DataFrame({'a': [1]}).b)", sent, StringComparison.Ordinal);
        Assert.Contains("AttributeError: 'DataFrame' object has no attribute 'b'", server.Requests[0].LastMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHistoryThatUsesUpTheAttemptsIsRefusedAsBadInput()
    {
        using var server = new ScriptedOpenAiServer();
        await using var client = await LspTestClient.StartInitializedAsync(GenerateTests.Settings(server));
        var history = new[] { new { reply = "a", problem = "b" }, new { reply = "c", problem = "d" } };

        var error = await Assert.ThrowsAsync<LspErrorException>(() =>
            client.RequestAsync("agentcode/generate", new { prompt = "Show a table", maxAttempts = 2, history }));

        Assert.Equal(-32602, error.Code);
        Assert.Contains("leaves none of the 2 allowed", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task APanelPackageWhoseImportIsNotAPythonNameIsRefusedAsBadInput()
    {
        using var server = new ScriptedOpenAiServer();
        await using var client = await LspTestClient.StartInitializedAsync(GenerateTests.Settings(server));

        var packages = new[] { new { name = "pandas", version = "3.0.2", imports = new[] { "pandas; import os" } } };
        var error = await Assert.ThrowsAsync<LspErrorException>(() =>
            client.RequestAsync("agentcode/generate", new { prompt = "Show a table", context = new { panelPackages = packages } }));

        Assert.Equal(-32602, error.Code);
        Assert.Contains("is not a package name with Python import names", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }
}
