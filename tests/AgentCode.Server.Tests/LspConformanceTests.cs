// LSP 3.17 and JSON-RPC 2.0 conformance of the real server process, for clients it was not written for: framing
// that finds its way back after any malformed frame, lifecycle gating with the codes LSP gives, the standard error
// codes without exception internals, the input size limit, and incremental sync with UTF-16 positions.
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using AgentCode.Server.Tests.Infrastructure;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class LspConformanceTests
{
    private static readonly object NoDocument = new { textDocument = new { uri = "file:///none.py" } };

    private static byte[] Frame(string header, string body) => Encoding.UTF8.GetBytes(header + "\r\n\r\n" + body);

    private static string CodeLensRequest(long id) =>
        "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"textDocument/codeLens\",\"params\":{\"textDocument\":{\"uri\":\"file:///none.py\"}}}";

    public static TheoryData<string> BadFrames() => new() { "short", "long", "negative", "missing" };

    [Theory]
    [MemberData(nameof(BadFrames))]
    public async Task AfterABadFrameTheNextThreeRequestsAreAllAnswered(string kind)
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        var body = CodeLensRequest(999_999);
        var length = Encoding.UTF8.GetByteCount(body);
        var bad = kind switch
        {
            "short" => Frame($"Content-Length: {length - 12}", body),
            "long" => Frame($"Content-Length: {length + 40}", body),
            "negative" => Frame("Content-Length: -7", body),
            _ => Frame("Content-Type: application/vscode-jsonrpc; charset=utf-8", body),
        };
        // The bad frame and the three requests go out back to back, as a client would send them.
        var responses = new List<Task<JsonElement>>();
        await client.SendRawAsync(bad);
        for (var i = 0; i < 3; i++)
        {
            responses.Add(await client.SendRawRequestAsync(id => Frame($"Content-Length: {Encoding.UTF8.GetByteCount(CodeLensRequest(id))}", CodeLensRequest(id))));
        }
        foreach (var response in responses)
        {
            Assert.Equal(0, (await client.ResultOf(response)).GetArrayLength());
        }
        var error = Assert.Single(client.Orphans, o => o.TryGetProperty("error", out _));
        Assert.Equal(-32700, error.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("id").ValueKind);
    }

    [Fact]
    public async Task ARequestBeforeInitializeGetsServerNotInitializedAndNoDiagnosticsAreSent()
    {
        await using var client = LspTestClient.Start();
        var early = await Assert.ThrowsAsync<LspErrorException>(() => client.RequestAsync("textDocument/codeLens", NoDocument));
        Assert.Equal(-32002, early.Code);
        var check = await Assert.ThrowsAsync<LspErrorException>(() => client.RequestAsync("agentcode/check", new { code = "import socket" }));
        Assert.Equal(-32002, check.Code);
        // A notification before initialize is dropped: this document is never checked.
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri = "file:///early.py", languageId = "python", version = 1, text = "import socket\n" } });
        await client.RequestAsync("initialize", new { processId = 1, capabilities = new { } });
        await client.NotifyAsync("initialized", new { });
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri = "file:///late.py", languageId = "python", version = 1, text = "import socket\n" } });
        await client.WaitForNotificationAsync("textDocument/publishDiagnostics", p => p.GetProperty("uri").GetString() == "file:///late.py");
        Assert.DoesNotContain(client.Notifications, n => n.GetProperty("params").GetProperty("uri").GetString() == "file:///early.py");
    }

    [Fact]
    public async Task ARequestAfterShutdownGetsInvalidRequestAndExitStillEndsTheProcess()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        await client.RequestAsync("shutdown", null);
        var late = await Assert.ThrowsAsync<LspErrorException>(() => client.RequestAsync("textDocument/codeLens", NoDocument));
        Assert.Equal(-32600, late.Code);
        var again = await Assert.ThrowsAsync<LspErrorException>(() => client.RequestAsync("shutdown", null));
        Assert.Equal(-32600, again.Code);
        await client.NotifyAsync("exit", null);
        Assert.Equal(0, await client.WaitForExitAsync());
    }

    [Fact]
    public async Task ASecondInitializeGetsInvalidRequest()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        var error = await Assert.ThrowsAsync<LspErrorException>(() => client.RequestAsync("initialize", new { processId = 1, capabilities = new { } }));
        Assert.Equal(-32600, error.Code);
    }

    private static void AssertNoInternals(LspErrorException error)
    {
        var text = error.ErrorMessage + (error.ErrorData?.GetRawText() ?? "");
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain(":line ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("AgentCode.Server", text, StringComparison.Ordinal);
        Assert.DoesNotContain("/work/", text, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CodeLensWithEmptyParamsGetsInvalidParamsWithoutAStackTrace()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        var error = await Assert.ThrowsAsync<LspErrorException>(() => client.RequestAsync("textDocument/codeLens", new { }));
        Assert.Equal(-32602, error.Code);
        Assert.Contains("textDocument", error.ErrorMessage, StringComparison.Ordinal);
        AssertNoInternals(error);
    }

    [Fact]
    public async Task ParamsOfTheWrongTypeGetInvalidParamsWithoutInternals()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        var error = await Assert.ThrowsAsync<LspErrorException>(() => client.RequestAsync("agentcode/run", new { code = 5, limits = "fast" }));
        Assert.Equal(-32602, error.Code);
        AssertNoInternals(error);
        Assert.Contains("Invalid params", client.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParamsGivenAsAStringAreAnsweredWithInvalidParams()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        var response = await client.SendRawRequestAsync(id => Frame("Content-Length: " + Encoding.UTF8.GetByteCount(Body(id)), Body(id)));
        var error = await Assert.ThrowsAsync<LspErrorException>(() => client.ResultOf(response));
        Assert.Equal(-32602, error.Code);
        Assert.Contains("string", error.ErrorMessage, StringComparison.Ordinal);

        static string Body(long id) => $$"""{"jsonrpc":"2.0","id":{{id}},"method":"agentcode/check","params":"print(1)"}""";
    }

    [Fact]
    public async Task AnEmptyArrayAndAMessageWithoutAMethodGetInvalidRequest()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        await client.SendRawBodyAsync("[]"u8.ToArray());
        var noMethod = await client.SendRawRequestAsync(id => Frame("Content-Length: " + Encoding.UTF8.GetByteCount(Body(id)), Body(id)));
        var error = await Assert.ThrowsAsync<LspErrorException>(() => client.ResultOf(noMethod));
        Assert.Equal(-32600, error.Code);
        Assert.Contains("method", error.ErrorMessage, StringComparison.Ordinal);
        var batch = await WaitForOrphanAsync(client, -32600);
        Assert.Equal(JsonValueKind.Null, batch.GetProperty("id").ValueKind);
        Assert.Equal(0, (await client.RequestAsync("textDocument/codeLens", NoDocument)).GetArrayLength());

        static string Body(long id) => $$$"""{"jsonrpc":"2.0","id":{{{id}}},"params":{}}""";
    }

    private static async Task<JsonElement> WaitForOrphanAsync(LspTestClient client, int code)
    {
        var until = DateTime.UtcNow + LspTestClient.Deadline;
        while (DateTime.UtcNow < until)
        {
            var hit = client.Orphans.FirstOrDefault(o => o.TryGetProperty("error", out var e) && e.GetProperty("code").GetInt32() == code);
            if (hit.ValueKind != JsonValueKind.Undefined)
            {
                return hit;
            }
            await Task.Delay(25);
        }
        throw new TimeoutException("No error response with code " + code);
    }

    private static string SixMegabytes() => new StringBuilder().Insert(0, "x = 1  # padding padding padding padding padding\n", 6 * 1024 * 1024 / 50).ToString();

    [Fact]
    public async Task ASixMegabyteDocumentIsRefusedWithADiagnosticWithinOneSecond()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        const string uri = "file:///work/huge.py";
        var text = SixMegabytes();
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "python", version = 1, text } });
        var clock = Stopwatch.StartNew();
        var published = await client.WaitForNotificationAsync("textDocument/publishDiagnostics", p => p.GetProperty("uri").GetString() == uri, TimeSpan.FromSeconds(1));
        clock.Stop();
        var diagnostic = Assert.Single(published.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("too-large", diagnostic.GetProperty("code").GetString());
        Assert.Contains("larger than 1 MiB", diagnostic.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await client.RequestAsync("textDocument/codeLens", new { textDocument = new { uri } })).GetArrayLength());

        var check = await client.SendRequestAsync("agentcode/check", new { code = text });
        var error = await Assert.ThrowsAsync<LspErrorException>(() => client.ResultOf(check.Response, TimeSpan.FromSeconds(1)));
        Assert.Equal(-32602, error.Code);
        Assert.Contains("agentcode.sandbox.maxInputKb", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheInputLimitIsASetting()
    {
        await using var client = await LspTestClient.StartInitializedAsync(new { sandbox = new { maxInputKb = 1 } });
        var error = await Assert.ThrowsAsync<LspErrorException>(() => client.RequestAsync("agentcode/check", new { code = new string('#', 2000) }));
        Assert.Contains("larger than 1 KiB", error.ErrorMessage, StringComparison.Ordinal);
        var small = await client.RequestAsync("agentcode/check", new { code = "print(1)\n" });
        Assert.False(small.GetProperty("blocking").GetBoolean());
    }

    [Fact]
    public async Task InitializeAdvertisesIncrementalSync()
    {
        await using var client = LspTestClient.Start();
        var result = await client.RequestAsync("initialize", new { processId = 1, capabilities = new { } });
        var caps = result.GetProperty("capabilities");
        Assert.Equal(2, caps.GetProperty("textDocumentSync").GetProperty("change").GetInt32());
        Assert.Equal(["codeLensProvider", "textDocumentSync"], caps.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    private static object Edit(int line, int start, int endLine, int end, string text) =>
        new { range = new { start = new { line, character = start }, end = new { line = endLine, character = end } }, text };

    [Fact]
    public async Task RangedEditsUseUtf16PositionsAcrossEmoji()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        const string uri = "file:///work/emoji.py";
        // Each emoji is two UTF-16 code units: in 's = "😀😀x"' the quote is at 4, the emoji at 5-6 and 7-8, x at 9.
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "python", version = 1, text = "s = \"😀😀x\"\nprint(s)\n" } });
        await client.NotifyAsync("textDocument/didChange", new
        {
            textDocument = new { uri, version = 2 },
            contentChanges = new[]
            {
                Edit(0, 7, 0, 9, "🙂"),           // the second emoji becomes a slightly smiling face
                Edit(0, 9, 0, 10, "y"),           // x, now at 9 again, becomes y
                Edit(1, 7, 1, 7, " + '✓'"),      // inserted before the closing parenthesis of print(s)
                Edit(2, 0, 2, 0, "# %%\nprint(len(s))\n"),
            },
        });
        var run = await client.RequestAsync("agentcode/run", new { uri });
        Assert.Equal("ok", run.GetProperty("status").GetString());
        Assert.Equal("😀🙂y✓\n3\n", run.GetProperty("stdout").GetString());
        var lenses = await client.RequestAsync("textDocument/codeLens", new { textDocument = new { uri } });
        Assert.Equal([0, 2], lenses.EnumerateArray().Select(l => l.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32()));
    }

    [Fact]
    public async Task AWholeDocumentChangeStillReplacesTheText()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        const string uri = "file:///work/whole.py";
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "python", version = 1, text = "print(1)\n" } });
        await client.NotifyAsync("textDocument/didChange", new { textDocument = new { uri, version = 2 }, contentChanges = new[] { new { text = "print(2)\n" } } });
        var run = await client.RequestAsync("agentcode/run", new { uri });
        Assert.Equal("2\n", run.GetProperty("stdout").GetString());
    }
}
