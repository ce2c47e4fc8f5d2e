// agentcode/check and agentcode/run over the real server with the real sandbox, including cancellation of a
// runaway program through $/cancelRequest.
using AgentCode.Server.Tests.Infrastructure;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class CheckAndRunTests
{
    [Fact]
    public async Task CheckReportsSyntaxErrorsAndBlockingFindings()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        var syntax = await client.RequestAsync("agentcode/check", new { code = "print(" });
        Assert.True(syntax.GetProperty("blocking").GetBoolean());
        Assert.Equal(1, syntax.GetProperty("syntaxErrors").GetArrayLength());

        var policy = await client.RequestAsync("agentcode/check", new { code = "import socket\nsocket.socket()\n" });
        Assert.True(policy.GetProperty("blocking").GetBoolean());
        var finding = policy.GetProperty("findings").EnumerateArray().First();
        Assert.Equal("AC102", finding.GetProperty("ruleId").GetString());
        Assert.Equal("error", finding.GetProperty("severity").GetString());

        var clean = await client.RequestAsync("agentcode/check", new { code = "print(1)\n" });
        Assert.False(clean.GetProperty("blocking").GetBoolean());
    }

    [Fact]
    public async Task CheckSaysWhatTheCodeWillTouchAndNothingForCodeThatDoesNotParse()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        var result = await client.RequestAsync("agentcode/check", new { code = "import csv\nrows = list(csv.reader(open('/data/sales.csv')))\nopen('/output/n.txt', 'w').write(str(len(rows)))\n" });
        var capabilities = result.GetProperty("capabilities");
        Assert.Equal(["/data/sales.csv"], capabilities.GetProperty("reads").EnumerateArray().Select(e => e.GetString()));
        Assert.True(capabilities.GetProperty("writesOutput").GetBoolean());
        Assert.Equal(["csv"], capabilities.GetProperty("imports").EnumerateArray().Select(e => e.GetString()));

        // Optional fields are omitted when null: a program that does not parse has no summary.
        var broken = await client.RequestAsync("agentcode/check", new { code = "print(" });
        Assert.False(broken.TryGetProperty("capabilities", out _));
    }

    [Fact]
    public async Task RunExecutesAnOpenDocumentWithItsDataMounted()
    {
        var csv = TestData.SalesCsv();
        await using var client = await LspTestClient.StartInitializedAsync();
        const string uri = "file:///work/sum.py";
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "python", version = 1, text = TestData.SumSales } });
        var result = await client.RequestAsync("agentcode/run", new { uri, data = new[] { csv } });
        Assert.Equal("ok", result.GetProperty("status").GetString());
        Assert.Equal(TestData.SumSalesOutput, result.GetProperty("stdout").GetString()!.Trim());
        Assert.True(result.GetProperty("elapsedMs").GetDouble() > 0);
    }

    [Fact]
    public async Task RunReportsAnExceptionWithItsTypeAndLine()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        var result = await client.RequestAsync("agentcode/run", new { code = "x = 1\nprint(x / 0)\n" });
        Assert.Equal("error", result.GetProperty("status").GetString());
        Assert.Equal("ZeroDivisionError", result.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(2, result.GetProperty("error").GetProperty("line").GetInt32());
    }

    [Fact]
    public async Task RunOfAMissingDataFileIsABadInputError()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        var error = await Assert.ThrowsAsync<LspErrorException>(() => client.RequestAsync("agentcode/run", new { code = "print(1)", data = new[] { "/no/such/file.csv" } }));
        Assert.Equal(-32602, error.Code);
        Assert.Contains("/no/such/file.csv", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellingARunawayRunStopsItQuicklyAndTheServerStillAnswers()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        // Warm the sandbox so the cancellation below measures the run, not the first compilation.
        await client.RequestAsync("agentcode/run", new { code = "print(1)" });

        var (id, response) = await client.SendRequestAsync("agentcode/run", new { code = "while True:\n    pass\n", limits = new { timeoutSeconds = 300 } });
        await client.CancelAsync(id);
        // The run's own deadline is 300 s: an answer within 60 s means the cancellation stopped it.
        var error = await Assert.ThrowsAsync<LspErrorException>(() => client.ResultOf(response, TimeSpan.FromSeconds(60)));
        Assert.Equal(-32800, error.Code);

        var after = await client.RequestAsync("agentcode/run", new { code = "print('still here')" });
        Assert.Equal("still here", after.GetProperty("stdout").GetString()!.Trim());
    }

    [Fact]
    public async Task SandboxLimitsComeFromTheSettings()
    {
        await using var client = await LspTestClient.StartInitializedAsync(new { sandbox = new { timeoutSeconds = 1, memoryMb = 64 } });

        // The default deadline is 10 s: an ignored timeoutSeconds shows in the elapsed time.
        var loop = await client.RequestAsync("agentcode/run", new { code = "while True:\n    pass\n" });
        Assert.Equal("timeout", loop.GetProperty("status").GetString());
        Assert.Equal("The program was stopped after 1 s (the time limit).", loop.GetProperty("message").GetString());
        Assert.InRange(loop.GetProperty("elapsedMs").GetDouble(), 1000, 1500);

        // 128 MiB fits the default cap of 256 MiB: an ignored memoryMb lets the program finish. The request's own
        // deadline replaces the 1 s of the settings, and the memory cap still comes from them.
        var allocate = "chunks = []\nfor mib in range(1, 129):\n    chunks.append(bytearray(1 << 20))\n    print(mib, flush=True)\nprint('done')\n";
        var bomb = await client.RequestAsync("agentcode/run", new { code = allocate, limits = new { timeoutSeconds = 120 } });
        Assert.Equal("memory", bomb.GetProperty("status").GetString());
        Assert.Equal("The program ran out of memory (limit 64 MiB).", bomb.GetProperty("message").GetString());
        var held = bomb.GetProperty("stdout").GetString()!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).Last();
        Assert.InRange(held, 32, 63);
    }

    [Fact]
    public async Task AMissingPythonWasmIsAClearErrorAndTheServerStillAnswers()
    {
        await using var client = await LspTestClient.StartInitializedAsync(env: new Dictionary<string, string>
        {
            ["AGENTCODE_PYTHON_WASM"] = Path.Combine(Path.GetTempPath(), "no-such-dir", "python.wasm"),
        });
        var error = await Assert.ThrowsAsync<LspErrorException>(() => client.RequestAsync("agentcode/run", new { code = "print(1)" }));
        Assert.Equal(-32003, error.Code);
        Assert.Contains("python.wasm", error.ErrorMessage, StringComparison.Ordinal);
        var lenses = await client.RequestAsync("textDocument/codeLens", new { textDocument = new { uri = "file:///x.py" } });
        Assert.Equal(0, lenses.GetArrayLength());

        // An open file says it could not be checked instead of looking clean.
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri = "file:///x.py", languageId = "python", version = 1, text = "print(1)\n" } });
        var published = await client.WaitForNotificationAsync("textDocument/publishDiagnostics", p => p.GetProperty("uri").GetString() == "file:///x.py");
        var notice = Assert.Single(published.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("unchecked", notice.GetProperty("code").GetString());
        Assert.Contains("python.wasm", notice.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
