// The session lifecycle of the real server process: initialize, shutdown and exit codes, unknown methods.
using AgentCode.Server.Tests.Infrastructure;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class LspLifecycleTests
{
    [Fact]
    public async Task InitializeAdvertisesIncrementalTextSyncAndCodeLenses()
    {
        await using var client = LspTestClient.Start();
        var result = await client.RequestAsync("initialize", new { processId = 1, capabilities = new { } });
        var caps = result.GetProperty("capabilities");
        Assert.Equal(2, caps.GetProperty("textDocumentSync").GetProperty("change").GetInt32());
        Assert.True(caps.GetProperty("textDocumentSync").GetProperty("openClose").GetBoolean());
        Assert.False(caps.GetProperty("codeLensProvider").GetProperty("resolveProvider").GetBoolean());
        Assert.Equal("agentcode", result.GetProperty("serverInfo").GetProperty("name").GetString());
    }

    [Fact]
    public async Task ExitAfterShutdownEndsTheProcessWithCodeZero()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        await client.RequestAsync("shutdown", null);
        await client.NotifyAsync("exit", null);
        Assert.Equal(0, await client.WaitForExitAsync());
    }

    [Fact]
    public async Task ExitWithoutShutdownEndsTheProcessWithCodeOne()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        await client.NotifyAsync("exit", null);
        Assert.Equal(1, await client.WaitForExitAsync());
    }

    [Fact]
    public async Task AnUnknownMethodGetsMethodNotFoundAndTheServerKeepsAnswering()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        var error = await Assert.ThrowsAsync<LspErrorException>(() => client.RequestAsync("agentcode/doesNotExist", new { }));
        Assert.Equal(-32601, error.Code);
        await client.NotifyAsync("some/unknownNotification", new { x = 1 });
        var lenses = await client.RequestAsync("textDocument/codeLens", new { textDocument = new { uri = "file:///none.py" } });
        Assert.Equal(0, lenses.GetArrayLength());
    }

    [Fact]
    public async Task ParamsOfTheWrongShapeGetAnErrorAndTheServerKeepsAnswering()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        var error = await Assert.ThrowsAsync<LspErrorException>(() => client.RequestAsync("agentcode/check", new { code = new[] { 1, 2 } }));
        Assert.Equal(-32602, error.Code);
        Assert.NotEmpty(error.ErrorMessage);
        var again = await Assert.ThrowsAsync<LspErrorException>(() => client.RequestAsync("agentcode/check", new { }));
        Assert.Equal(-32602, again.Code);
        Assert.Contains("code", again.ErrorMessage, StringComparison.Ordinal);
    }
}
