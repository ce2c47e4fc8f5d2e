// The agentcode executable as a user meets it: 'check' and 'run' started as real processes, their output
// formats, exit codes (0 clean/ok, 1 blocking/failed, 2 usage or input error) and one-line errors for bad input.
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Xunit;

namespace AgentCode.Sandbox.Tests;

public sealed class CliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agentcode-cli-");

    private string Write(string name, string text) => WriteBytes(name, Encoding.UTF8.GetBytes(text));

    private string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> Agentcode(string? stdin, params string[] args)
    {
        var info = new ProcessStartInfo(RepoPaths.Agentcode)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static void AssertOneLineError((int Code, string Stdout, string Stderr) r, string expected)
    {
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("agentcode: ", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckingACleanFileExitsZero()
    {
        var r = await Agentcode(null, "check", Write("ok.py", "print(sum(range(10)))\n"));
        Assert.Equal(0, r.Code);
        Assert.Contains("no problems found", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckingABlockingFindingExitsOneWithFileLineColumn()
    {
        var file = Write("bad.py", "x = 1\nimport subprocess\n");
        var r = await Agentcode(null, "check", file);
        Assert.Equal(1, r.Code);
        Assert.Contains($"{file}:2:1: error AC101 ", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckWritesTheDocumentedJson()
    {
        var r = await Agentcode(null, "check", Write("j.py", "import socket\ndef f(:\n"), "--format", "json");
        Assert.Equal(1, r.Code);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.True(doc.RootElement.GetProperty("blocking").GetBoolean());
        var error = Assert.Single(doc.RootElement.GetProperty("syntaxErrors").EnumerateArray());
        Assert.Equal(1, error.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32());
        Assert.Empty(doc.RootElement.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public async Task CheckJsonSaysWhatTheProgramWillTouchAndNullWhenItDoesNotParse()
    {
        var program = "import csv, json\nfrom pathlib import Path\nrows = list(csv.reader(open('/data/sales.csv')))\nPath('/output/summary.json').write_text(json.dumps(len(rows)))\n";
        var r = await Agentcode(null, "check", Write("touch.py", program), "--format", "json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Stdout);
        var capabilities = doc.RootElement.GetProperty("capabilities");
        Assert.Equal(["/data/sales.csv"], capabilities.GetProperty("reads").EnumerateArray().Select(e => e.GetString()));
        Assert.True(capabilities.GetProperty("writesOutput").GetBoolean());
        Assert.Equal(["csv", "json", "pathlib"], capabilities.GetProperty("imports").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal));

        var broken = await Agentcode(null, "check", Write("broken.py", "def f(:\n"), "--format", "json");
        using var brokenDoc = JsonDocument.Parse(broken.Stdout);
        Assert.Equal(JsonValueKind.Null, brokenDoc.RootElement.GetProperty("capabilities").ValueKind);
    }

    [Fact]
    public async Task CheckWritesSarif()
    {
        var r = await Agentcode(null, "check", Write("s.py", "import socket\n"), "--format", "sarif");
        Assert.Equal(1, r.Code);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("2.1.0", doc.RootElement.GetProperty("version").GetString());
        var run = doc.RootElement.GetProperty("runs")[0];
        Assert.Equal("agentcode", run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
        var result = Assert.Single(run.GetProperty("results").EnumerateArray());
        Assert.Equal("AC102", result.GetProperty("ruleId").GetString());
        Assert.Equal(1, result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32());
    }

    [Fact]
    public async Task CheckReadsStdinForADash()
    {
        var r = await Agentcode("eval('1')\n", "check", "-", "--format", "json");
        Assert.Equal(1, r.Code);
        Assert.Contains("\"AC104\"", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADisabledRuleNoLongerBlocks()
    {
        var r = await Agentcode(null, "check", Write("d.py", "import socket\n"), "--disable", "AC102");
        Assert.Equal(0, r.Code);
    }

    [Fact]
    public async Task AMissingFileIsAOneLineError() =>
        AssertOneLineError(await Agentcode(null, "check", Path.Combine(_dir.FullName, "nope.py")), "file not found");

    [Fact]
    public async Task ABinaryFileIsRefused() =>
        AssertOneLineError(await Agentcode(null, "check", WriteBytes("b.py", [0x7f, 0x45, 0x4c, 0x46, 0, 0, 1])), "binary");

    [Fact]
    public async Task InvalidUtf8IsRefused() =>
        AssertOneLineError(await Agentcode(null, "run", WriteBytes("u.py", [0x70, 0x72, 0xff, 0xfe, 0x0a])), "not valid UTF-8");

    [Fact]
    public async Task ATenMegabyteFileIsRefused()
    {
        var big = new StringBuilder(10 * 1024 * 1024 + 100);
        while (big.Length < 10 * 1024 * 1024)
        {
            big.Append("x = 1  # padding padding padding padding padding padding padding padding\n");
        }

        AssertOneLineError(await Agentcode(null, "check", Write("big.py", big.ToString())), "larger than 1 MiB");
    }

    [Fact]
    public async Task AnUnknownRuleIsAUsageError() =>
        AssertOneLineError(await Agentcode(null, "check", Write("r.py", "x = 1\n"), "--disable", "AC999"), "no such rule");

    [Fact]
    public async Task RunPassesOutputThroughAndExitsZero()
    {
        var r = await Agentcode(null, "run", Write("hello.py", "print('hello')\n"));
        Assert.Equal(0, r.Code);
        Assert.Equal("hello\n", r.Stdout);
        Assert.Contains("agentcode: ok", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunShowsTheTracebackAndExitsOne()
    {
        var r = await Agentcode(null, "run", Write("err.py", "print('a')\nraise ValueError('bad value')\n"));
        Assert.Equal(1, r.Code);
        Assert.Equal("a\n", r.Stdout);
        Assert.Contains("ValueError: bad value", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("agentcode: error", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunWritesTheDocumentedJsonWithDataFiles()
    {
        var data = Write("numbers.txt", "1\n2\n3\n");
        var r = await Agentcode(null, "run", Write("sum.py", "print(sum(int(l) for l in open('/data/numbers.txt')))\n"), "--data", data, "--format", "json");
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("ok", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal("6\n", doc.RootElement.GetProperty("stdout").GetString());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("error").ValueKind);
        Assert.True(doc.RootElement.GetProperty("elapsedMs").GetDouble() > 0);
    }

    [Fact]
    public async Task RunStopsAnInfiniteLoopAtTheOneSecondTimeoutWithinHalfASecond()
    {
        var r = await Agentcode("while True:\n    pass\n", "run", "-", "--timeout", "1", "--format", "json");
        Assert.Equal(1, r.Code);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("timeout", doc.RootElement.GetProperty("status").GetString());
        // The default is 10 s: an ignored --timeout shows here. The deadline is a .NET timer, which may fire a few
        // milliseconds before a Stopwatch reads 1 s.
        Assert.InRange(doc.RootElement.GetProperty("elapsedMs").GetDouble(), 950, 1500);
    }

    [Fact]
    public async Task RunStopsAProgramAtTheMemoryCapGivenWithMemory()
    {
        // 128 MiB fits the default cap of 256 MiB; an ignored --memory 64 lets the program finish.
        var r = await Agentcode(LimitTests.Allocate(128), "run", "-", "--memory", "64", "--format", "json");
        Assert.Equal(1, r.Code);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal("memory", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal("The program ran out of memory (limit 64 MiB).", doc.RootElement.GetProperty("message").GetString());
        Assert.InRange(LimitTests.LastMiB(doc.RootElement.GetProperty("stdout").GetString()!), 32, 63);
    }

    [Fact]
    public async Task ABadTimeoutIsAUsageError() =>
        AssertOneLineError(await Agentcode(null, "run", Write("t.py", "x = 1\n"), "--timeout", "0"), "--timeout");

    [Fact]
    public async Task AMissingDataFileIsAUsageError() =>
        AssertOneLineError(await Agentcode(null, "run", Write("m.py", "x = 1\n"), "--data", Path.Combine(_dir.FullName, "missing.csv")), "file not found");

    [Fact]
    public async Task AMissingArgumentIsAUsageError()
    {
        var r = await Agentcode(null, "check");
        Assert.Equal(2, r.Code);
        Assert.StartsWith("agentcode: ", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("--help", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheJsonOutputsHaveExactlyTheFieldsTheirSchemasDocument()
    {
        var check = await Agentcode(null, "check", Write("c.py", "import socket\ndef f(:\n"), "--format", "json");
        var clean = await Agentcode(null, "check", Write("c2.py", "import socket\n"), "--format", "json");
        var run = await Agentcode(null, "run", Write("r.py", "raise KeyError('k')\n"), "--format", "json");
        using var checkSchema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "schemas", "check.schema.json")));
        using var runSchema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "schemas", "run.schema.json")));
        using var checkDoc = JsonDocument.Parse(check.Stdout);
        using var cleanDoc = JsonDocument.Parse(clean.Stdout);
        using var runDoc = JsonDocument.Parse(run.Stdout);

        var checkProps = checkSchema.RootElement.GetProperty("properties");
        AssertFields(checkSchema.RootElement, checkDoc.RootElement);
        AssertFields(checkProps.GetProperty("syntaxErrors").GetProperty("items"), checkDoc.RootElement.GetProperty("syntaxErrors")[0]);
        AssertFields(checkProps.GetProperty("findings").GetProperty("items"), cleanDoc.RootElement.GetProperty("findings")[0]);
        AssertFields(checkSchema.RootElement.GetProperty("$defs").GetProperty("range"), cleanDoc.RootElement.GetProperty("findings")[0].GetProperty("range"));
        AssertFields(checkProps.GetProperty("capabilities").GetProperty("oneOf")[1], cleanDoc.RootElement.GetProperty("capabilities"));
        AssertFields(runSchema.RootElement, runDoc.RootElement);
        AssertFields(runSchema.RootElement.GetProperty("properties").GetProperty("error").GetProperty("oneOf")[1], runDoc.RootElement.GetProperty("error"));
        Assert.Contains(runDoc.RootElement.GetProperty("status").GetString(), runSchema.RootElement.GetProperty("properties").GetProperty("status").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task RunWithOutputDirWritesEachOutputAsAFileAndJsonCarriesThem()
    {
        var program = Write("chart.py", """
            display({"application/vnd.vegalite.v5+json": {"data": {"values": [{"a": "x", "b": 1}]}, "mark": "bar",
                     "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}}}}, raw=True)
            from IPython.display import SVG
            display(SVG("<svg xmlns='http://www.w3.org/2000/svg'/>"))
            with open("/output/figure.svg", "w") as f:
                f.write("<svg xmlns='http://www.w3.org/2000/svg'><rect/></svg>")
            """);
        var outDir = Path.Combine(_dir.FullName, "out");

        var text = await Agentcode(null, "run", program, "--output-dir", outDir);
        var json = await Agentcode(null, "run", program, "--format", "json");

        Assert.Equal(0, text.Code);
        Assert.Equal(["chart-1.vl.json", "figure.svg", "output-2.svg"], Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("bar", JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "chart-1.vl.json"))).RootElement.GetProperty("mark").GetString());
        Assert.Contains("<rect/>", File.ReadAllText(Path.Combine(outDir, "figure.svg")), StringComparison.Ordinal);
        Assert.Contains("agentcode: wrote 3 outputs", text.Stderr, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json.Stdout);
        var outputs = doc.RootElement.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(["application/vnd.vegalite.v5+json", "image/svg+xml", "image/svg+xml"], outputs.Select(o => o.GetProperty("mime").GetString()));
        Assert.Equal("figure.svg", outputs[2].GetProperty("name").GetString());
        using var runSchema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "schemas", "run.schema.json")));
        var item = runSchema.RootElement.GetProperty("properties").GetProperty("outputs").GetProperty("items").GetProperty("properties");
        Assert.All(outputs.SelectMany(o => o.EnumerateObject()), p => Assert.True(item.TryGetProperty(p.Name, out _), p.Name));
    }

    [Fact]
    public async Task ARunWithOutputsButNoOutputDirSaysHowToGetThem()
    {
        var r = await Agentcode(null, "run", Write("d.py", "display({'text/markdown': '# hi'}, raw=True)\n"));
        Assert.Equal(0, r.Code);
        Assert.Contains("agentcode: 1 output: text/markdown; --output-dir DIR writes them as files", r.Stderr, StringComparison.Ordinal);
    }

    private static void AssertFields(JsonElement schema, JsonElement value)
    {
        var documented = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        var required = schema.GetProperty("required").EnumerateArray().Select(p => p.GetString()!).Order(StringComparer.Ordinal);
        var actual = value.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(documented, actual);
        Assert.Equal(required, actual);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
