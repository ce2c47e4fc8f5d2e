// Diagnostics from the real checker (CPython's parser and the policy analysis in the sandbox), published by
// the real server after the debounce, replaced on change and cleared on close.
using System.Text.Json;
using AgentCode.Server.Tests.Infrastructure;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class DiagnosticsTests
{
    private static bool For(JsonElement p, string uri, int version) =>
        p.GetProperty("uri").GetString() == uri && p.TryGetProperty("version", out var v) && v.GetInt32() == version;

    [Fact]
    public async Task ASyntaxErrorIsPublishedAsAnErrorFromAgentcodeAndGoesAwayWhenFixed()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        const string uri = "file:///work/broken.py";
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "python", version = 1, text = "def f(:\n    pass\n" } });
        var published = await client.WaitForNotificationAsync("textDocument/publishDiagnostics", p => For(p, uri, 1));
        var d = Assert.Single(published.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("agentcode", d.GetProperty("source").GetString());
        Assert.Equal(1, d.GetProperty("severity").GetInt32());
        Assert.Equal("syntax", d.GetProperty("code").GetString());
        Assert.Equal(0, d.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32());

        await client.NotifyAsync("textDocument/didChange", new { textDocument = new { uri, version = 2 }, contentChanges = new[] { new { text = "def f():\n    pass\n" } } });
        var fixedDoc = await client.WaitForNotificationAsync("textDocument/publishDiagnostics", p => For(p, uri, 2));
        Assert.Equal(0, fixedDoc.GetProperty("diagnostics").GetArrayLength());
    }

    [Fact]
    public async Task APolicyFindingCarriesItsRuleIdAndCanBeDisabledInSettings()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        const string uri = "file:///work/proc.py";
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "python", version = 1, text = "import subprocess\nsubprocess.run(['ls'])\n" } });
        var published = await client.WaitForNotificationAsync("textDocument/publishDiagnostics", p => For(p, uri, 1));
        var codes = published.GetProperty("diagnostics").EnumerateArray().Select(x => x.GetProperty("code").GetString()).ToList();
        Assert.Contains("AC101", codes);

        await client.NotifyAsync("workspace/didChangeConfiguration", new { settings = new { agentcode = new { policy = new { disabledRules = new[] { "AC101" } } } } });
        await client.NotifyAsync("textDocument/didChange", new { textDocument = new { uri, version = 2 }, contentChanges = new[] { new { text = "import subprocess\nsubprocess.run(['ls'])\n" } } });
        var again = await client.WaitForNotificationAsync("textDocument/publishDiagnostics", p => For(p, uri, 2));
        Assert.DoesNotContain("AC101", again.GetProperty("diagnostics").EnumerateArray().Select(x => x.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task RapidChangesPublishOnlyTheLatestTextAndCloseClearsTheDiagnostics()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        const string uri = "file:///work/typing.py";
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "python", version = 1, text = "x = (" } });
        for (var v = 2; v <= 6; v++)
        {
            await client.NotifyAsync("textDocument/didChange", new { textDocument = new { uri, version = v }, contentChanges = new[] { new { text = v < 6 ? "x = (" + v : "x = 1\n" } } });
        }
        var last = await client.WaitForNotificationAsync("textDocument/publishDiagnostics", p => For(p, uri, 6));
        Assert.Equal(0, last.GetProperty("diagnostics").GetArrayLength());
        // A stale check never overwrites newer diagnostics: every notification, not only the last, carries a
        // version no older than the one before it and the diagnostics of that version's own text (versions 1-5
        // are syntax errors, 6 is clean), also once the server has answered a later request.
        await client.RequestAsync("textDocument/codeLens", new { textDocument = new { uri } });
        var published = client.Notifications
            .Where(n => n.GetProperty("method").GetString() == "textDocument/publishDiagnostics")
            .Select(n => n.GetProperty("params"))
            .Where(p => p.GetProperty("uri").GetString() == uri)
            .Select(p => (Version: p.GetProperty("version").GetInt32(), Count: p.GetProperty("diagnostics").GetArrayLength()))
            .ToList();
        Assert.NotEmpty(published);
        var previous = 0;
        foreach (var (version, count) in published)
        {
            Assert.True(version >= previous, $"version {version} published after version {previous}");
            Assert.True(version < 6 ? count > 0 : count == 0, $"version {version} published {count} diagnostics");
            previous = version;
        }

        Assert.Equal(6, published[^1].Version);

        await client.NotifyAsync("textDocument/didClose", new { textDocument = new { uri } });
        await client.WaitForNotificationAsync("textDocument/publishDiagnostics",
            p => p.GetProperty("uri").GetString() == uri && !p.TryGetProperty("version", out _) && p.GetProperty("diagnostics").GetArrayLength() == 0);
    }
}
