// "Run in sandbox" code lenses over the real server: one for the file, one per '# %%' cell.
using AgentCode.Server.Tests.Infrastructure;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class CodeLensTests
{
    [Fact]
    public async Task APythonFileGetsAFileLensAndOneLensPerCell()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        const string uri = "file:///work/cells.py";
        var text = "import math\n# %% first\nx = 1\nprint(x)\n# %% second\nprint(math.pi)\n";
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "python", version = 1, text } });
        var lenses = await client.RequestAsync("textDocument/codeLens", new { textDocument = new { uri } });

        Assert.Equal(3, lenses.GetArrayLength());
        var file = lenses[0];
        Assert.Equal("Run in sandbox", file.GetProperty("command").GetProperty("title").GetString());
        Assert.Equal("agentcode.runCell", file.GetProperty("command").GetProperty("command").GetString());
        Assert.Equal(0, file.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32());

        var first = lenses[1];
        Assert.Equal("Run cell in sandbox", first.GetProperty("command").GetProperty("title").GetString());
        Assert.Equal(1, first.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32());
        var arg = first.GetProperty("command").GetProperty("arguments")[0];
        Assert.Equal(uri, arg.GetProperty("uri").GetString());
        Assert.Equal(1, arg.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32());
        Assert.Equal(4, arg.GetProperty("range").GetProperty("end").GetProperty("line").GetInt32());

        var second = lenses[2].GetProperty("command").GetProperty("arguments")[0].GetProperty("range");
        Assert.Equal(4, second.GetProperty("start").GetProperty("line").GetInt32());
        Assert.Equal(6, second.GetProperty("end").GetProperty("line").GetInt32());
    }

    [Fact]
    public async Task LensesFollowTheLatestTextAndStopAtClose()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        const string uri = "file:///work/edit.py";
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "python", version = 1, text = "print(1)\n" } });
        await client.NotifyAsync("textDocument/didChange", new
        {
            textDocument = new { uri, version = 2 },
            contentChanges = new[] { new { text = "# %%\nprint(1)\n# %%\nprint(2)\n" } },
        });
        var lenses = await client.RequestAsync("textDocument/codeLens", new { textDocument = new { uri } });
        Assert.Equal(3, lenses.GetArrayLength());

        await client.NotifyAsync("textDocument/didClose", new { textDocument = new { uri } });
        var closed = await client.RequestAsync("textDocument/codeLens", new { textDocument = new { uri } });
        Assert.Equal(0, closed.GetArrayLength());
    }

    [Fact]
    public async Task ANonPythonDocumentGetsNoLenses()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        const string uri = "file:///work/notes.md";
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "markdown", version = 1, text = "# %% not code\n" } });
        var lenses = await client.RequestAsync("textDocument/codeLens", new { textDocument = new { uri } });
        Assert.Equal(0, lenses.GetArrayLength());
    }
}
