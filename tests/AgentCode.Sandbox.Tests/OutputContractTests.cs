// The output contract on the server: display() and the IPython.display subset, rich reprs, files under /output,
// the caps, a fresh /output per run that leaves nothing on the host, and Vega-Lite charts checked against the
// vega-lite schema with no data loaded from outside /data.
using System.Diagnostics;
using System.Text.Json;
using AgentCode.Sandbox;
using Xunit;

namespace AgentCode.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class OutputContractTests(SandboxFixture fixture) : IDisposable
{
    private const string BarSpec = """{"data": {"values": [{"r": "north", "t": 1}, {"r": "south", "t": 2}, {"r": "west", "t": 3}]}, "mark": "bar", "encoding": {"x": {"field": "r", "type": "nominal"}, "y": {"field": "t", "type": "quantitative"}}}""";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agentcode-outputs-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static void AssertOk(RunResult result) =>
        Assert.True(result.Status == RunStatus.Ok, $"{result.Status}: {result.Message} {result.Error?.Traceback} {result.Stderr}");

    [Fact]
    public async Task EachDisplayCallIsOneOutputInOrderWithItsRichestType()
    {
        var result = await fixture.RunAsync("""
            from IPython.display import display, HTML, Markdown, SVG, JSON, Image
            import base64
            display(HTML("<b>bold</b>"))
            display(Markdown("# Title"))
            display(SVG("<svg xmlns='http://www.w3.org/2000/svg'/>"))
            display(JSON({"a": [1, 2]}))
            png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
            display(Image(png))
            display({"text/plain": "plain", "text/html": "<i>rich</i>"}, raw=True)
            display("a string", 42)
            """);

        AssertOk(result);
        Assert.Equal(
            ["text/html", "text/markdown", "image/svg+xml", "application/json", "image/png", "text/html", "text/plain", "text/plain"],
            result.Outputs.Select(o => o.Mime));
        Assert.Equal("<b>bold</b>", result.Outputs[0].Text);
        Assert.Equal("# Title", result.Outputs[1].Text);
        Assert.Equal(JsonDocument.Parse("""{"a": [1, 2]}""").RootElement.GetRawText(), JsonDocument.Parse(result.Outputs[3].Text!).RootElement.GetRawText());
        Assert.StartsWith("iVBORw0KGgo", result.Outputs[4].Base64, StringComparison.Ordinal);
        Assert.Null(result.Outputs[4].Text);
        Assert.Equal("<i>rich</i>", result.Outputs[5].Text);
        Assert.Equal(["'a string'", "42"], result.Outputs.Skip(6).Select(o => o.Text));
        Assert.All(result.Outputs, o => Assert.Null(o.Name));
    }

    [Fact]
    public async Task ObjectsWithReprMethodsDisplayAsInJupyterAndATrailingExpressionIsDisplayed()
    {
        var result = await fixture.RunAsync($$"""
            class Table:
                def _repr_html_(self):
                    return "<table><tr><td>1</td></tr></table>"
                def __repr__(self):
                    return "Table()"
            class Chart:
                def _repr_mimebundle_(self, include=None, exclude=None):
                    return {"application/vnd.vegalite.v6+json": {{BarSpec}}, "text/plain": "<Chart>"}
            class Plain:
                def __repr__(self):
                    return "Plain!"
            display(Table())
            display(Chart())
            Plain()
            """);

        AssertOk(result);
        Assert.Equal(["text/html", "application/vnd.vegalite.v6+json", "text/plain"], result.Outputs.Select(o => o.Mime));
        Assert.Equal("Plain!", result.Outputs[2].Text);
    }

    [Fact]
    public async Task FilesWrittenUnderOutputAreOutputsAfterTheDisplayedOnesSortedByPath()
    {
        var result = await fixture.RunAsync($$"""
            import os
            os.makedirs("/output/sub")
            open("/output/b.svg", "w").write("<svg xmlns='http://www.w3.org/2000/svg'/>")
            open("/output/a.vl.json", "w").write('{{BarSpec}}')
            open("/output/sub/notes.md", "w").write("*hi*")
            open("/output/data.bin", "wb").write(bytes([0, 1, 2]))
            display("shown first")
            """);

        AssertOk(result);
        Assert.Equal(
            [(null, "text/plain"), ("a.vl.json", "application/vnd.vegalite.v6+json"), ("b.svg", "image/svg+xml"), ("data.bin", "application/octet-stream"), ("sub/notes.md", "text/markdown")],
            result.Outputs.Select(o => (o.Name, o.Mime)));
        Assert.Equal("AAEC", result.Outputs[3].Base64);
    }

    [Fact]
    public async Task EveryRunStartsWithAnEmptyOutputFolder()
    {
        AssertOk(await fixture.RunAsync("open('/output/left-behind.txt', 'w').write('x')"));

        var second = await fixture.RunAsync("import os\nprint(os.listdir('/output'))");

        AssertOk(second);
        Assert.Equal("[]\n", second.Stdout);
        Assert.Empty(second.Outputs);
    }

    [Fact]
    public async Task NothingAProgramWritesUnderOutputIsLeftOnTheHost()
    {
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        var result = await fixture.RunAsync($"with open('/output/{marker}.txt', 'w') as f:\n    f.write('x' * 1000)\n");

        AssertOk(result);
        Assert.Equal($"{marker}.txt", Assert.Single(result.Outputs).Name);
        var leftovers = Directory.EnumerateFiles(Path.GetTempPath(), marker + "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true });
        Assert.Empty(leftovers);
    }

    [Fact]
    public async Task MoreFilesThanTheCapEndWithOutputLimitNamingTheFileCap()
    {
        var result = await fixture.RunAsync("for i in range(65):\n    open(f'/output/f{i:02}.txt', 'w').write('x')\n");

        Assert.Equal(RunStatus.OutputLimit, result.Status);
        Assert.Contains("64 files", result.Message, StringComparison.Ordinal);
        Assert.Contains("file cap", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MoreBytesThanTheCapEndWithOutputLimitNamingTheSizeCap()
    {
        var limits = SandboxFixture.Quick with { OutputBytes = 1024 * 1024 };
        // Displayed outputs and files count together: 600 KiB displayed plus a 600 KiB file pass the 1 MiB cap.
        var result = await fixture.RunAsync("display('x' * (600 * 1024))\nwith open('/output/big.txt', 'w') as f:\n    f.write('y' * (600 * 1024))\n", limits);

        Assert.Equal(RunStatus.OutputLimit, result.Status);
        Assert.Contains("1 MiB", result.Message, StringComparison.Ordinal);
        Assert.Contains("output size cap", result.Message, StringComparison.Ordinal);
        // What fitted is kept.
        Assert.Equal("text/plain", Assert.Single(result.Outputs).Mime);
    }

    [Fact]
    public async Task DisplayingMoreThanTheCapEndsWithOutputLimit()
    {
        var result = await fixture.RunAsync("for i in range(501):\n    display(i)\n");

        Assert.Equal(RunStatus.OutputLimit, result.Status);
        Assert.Contains("500 outputs", result.Message, StringComparison.Ordinal);
        Assert.Equal(500, result.Outputs.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task AWriteFloodUnderOutputIsStoppedByTheHostLongBeforeTheDeadline()
    {
        var limits = SandboxFixture.Quick with { OutputBytes = 4 * 1024 * 1024, Timeout = TimeSpan.FromSeconds(30) };
        var clock = Stopwatch.StartNew();
        var result = await fixture.RunAsync("chunk = b'x' * (1024 * 1024)\nwith open('/output/flood.bin', 'wb') as f:\n    while True:\n        f.write(chunk)\n", limits);

        Assert.Equal(RunStatus.OutputLimit, result.Status);
        Assert.Equal("The program wrote more than 4 MiB under /output (the output size cap) and was stopped.", result.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Fact(Timeout = 60_000)]
    public async Task AFileFloodUnderOutputIsStoppedByTheHostNamingTheFileCap()
    {
        // Empty files in a subfolder, so only the count of the whole tree can stop it; the deadline is far enough
        // that a stop by it is a failure.
        var limits = SandboxFixture.Quick with { Timeout = TimeSpan.FromSeconds(30) };
        var result = await fixture.RunAsync("import os\nos.makedirs('/output/deep/er')\ni = 0\nwhile True:\n    open(f'/output/deep/er/f{i}.txt', 'w').close()\n    i += 1\n", limits);

        Assert.Equal(RunStatus.OutputLimit, result.Status);
        Assert.Equal("The program wrote more than 64 files under /output (the file cap) and was stopped.", result.Message);
    }

    [Fact]
    public async Task ALinkUnderOutputNeitherReachesHostFilesNorBecomesAnOutput()
    {
        var result = await fixture.RunAsync("""
            import os
            try:
                os.symlink("/etc/passwd", "/output/passwd")
            except OSError as e:
                print("absolute link refused:", type(e).__name__)
            open("/output/real.txt", "w").write("real")
            try:
                os.symlink("real.txt", "/output/alias.txt")
            except OSError as e:
                print("relative link refused:", type(e).__name__)
            """);

        AssertOk(result);
        Assert.Contains("absolute link refused", result.Stdout, StringComparison.Ordinal);
        var output = Assert.Single(result.Outputs);
        Assert.Equal("real.txt", output.Name);
        Assert.Equal("real", output.Text);
    }

    [Fact]
    public async Task DataStaysReadOnlyWhileOutputIsWritable()
    {
        var csv = Path.Combine(_dir.FullName, "sales.csv");
        await File.WriteAllTextAsync(csv, "region,amount\nnorth,1\n");
        var result = await fixture.RunAsync("""
            try:
                open("/data/sales.csv", "w")
            except OSError as e:
                print("data:", type(e).__name__)
            with open("/output/copy.csv", "w") as f:
                f.write(open("/data/sales.csv").read())
            """, data: [new DataMount(csv)]);

        AssertOk(result);
        Assert.StartsWith("data: ", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("region,amount\nnorth,1\n", Assert.Single(result.Outputs).Text);
        Assert.Equal("region,amount\nnorth,1\n", await File.ReadAllTextAsync(csv));
    }

    [Fact]
    public async Task AValidVegaLiteChartPassesAndAnInvalidOneFailsTheRunWithTheSchemaSentence()
    {
        var valid = await fixture.RunAsync($"display({{'application/vnd.vegalite.v5+json': {BarSpec}}}, raw=True)");
        AssertOk(valid);

        var invalid = await fixture.RunAsync($"spec = {BarSpec}\nspec['mark'] = 'barz'\ndisplay({{'application/vnd.vegalite.v5+json': spec}}, raw=True)");

        Assert.Equal(RunStatus.Error, invalid.Status);
        Assert.Contains("The Vega-Lite chart (output 1) is not valid", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("/mark (\"barz\")", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("Vega-Lite schema", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChartThatLoadsAUrlFailsTheRunAndOnlyAMountedDataFileMayBeLoaded()
    {
        var csv = Path.Combine(_dir.FullName, "sales.csv");
        await File.WriteAllTextAsync(csv, "r,t\nnorth,1\n");
        string Program(string url) => $"display({{'application/vnd.vegalite.v6+json': {{'data': {{'url': '{url}'}}, 'mark': 'bar', 'encoding': {{'x': {{'field': 'r', 'type': 'nominal'}}}}}}}}, raw=True)";

        var remote = await fixture.RunAsync(Program("http://127.0.0.1:9/x.csv"));
        var mounted = await fixture.RunAsync(Program("/data/sales.csv"), data: [new DataMount(csv)]);
        var missing = await fixture.RunAsync(Program("/data/other.csv"), data: [new DataMount(csv)]);

        Assert.Equal(RunStatus.Error, remote.Status);
        Assert.Contains("loads 'http://127.0.0.1:9/x.csv', and charts get no network", remote.Message, StringComparison.Ordinal);
        AssertOk(mounted);
        Assert.Equal(RunStatus.Error, missing.Status);
    }

    [Fact]
    public async Task TheCapabilityCardsChartExampleRunsAndMatchesTheServerRuntime()
    {
        var csv = Path.Combine(_dir.FullName, "sales.csv");
        await File.WriteAllTextAsync(csv, "region,month,amount\nnorth,1,1\nsouth,1,2\nwest,1,3\n");

        var example = await fixture.RunAsync(CapabilityCard.ChartExample, data: [new DataMount(csv)]);
        var described = await fixture.RunAsync("import agentcode_contract, json\nprint(json.dumps(agentcode_contract.describe()))");

        AssertOk(example);
        Assert.True(OutputContract.IsVegaLite(Assert.Single(example.Outputs).Mime));
        AssertOk(described);
        var facts = JsonDocument.Parse(described.Stdout).RootElement;
        Assert.Equal(OutputContract.PythonVersion, facts.GetProperty("python").GetString());
        Assert.Equal(OutputContract.DisplayApi.Order(StringComparer.Ordinal), facts.GetProperty("display").EnumerateArray().Select(e => e.GetString()));
        Assert.True(facts.GetProperty("builtinDisplay").GetBoolean());
        var card = CapabilityCard.Text;
        Assert.Contains($"Python {OutputContract.PythonVersion}", card, StringComparison.Ordinal);
        Assert.All(OutputContract.DisplayApi, name => Assert.Contains(name, card, StringComparison.Ordinal));
        Assert.All(OutputContract.MimeTypes, t => Assert.Contains(t.Mime, card, StringComparison.Ordinal));
        Assert.Contains(CapabilityCard.ChartExample, card, StringComparison.Ordinal);
        Assert.Contains("No network", card, StringComparison.Ordinal);
        Assert.Contains("/data", card, StringComparison.Ordinal);
        Assert.Contains("/output", card, StringComparison.Ordinal);
    }
}

public sealed class ContractBytecodeTests : IDisposable
{
    private readonly DirectoryInfo _cache = Directory.CreateTempSubdirectory("agentcode-cache-");

    public void Dispose() => _cache.Delete(recursive: true);

    private PythonSandbox NewSandbox() => PythonSandbox.Create(SandboxOptions.FromEnvironment() with { CacheDirectory = _cache.FullName });

    [Fact]
    public async Task TheContractIsCompiledOnceIntoTheCacheAndACorruptCachedCopyIsReplaced()
    {
        using (var first = NewSandbox())
        {
            var ok = await first.RunAsync(new RunRequest("display('x')", [], SandboxFixture.Quick), CancellationToken.None);
            Assert.Equal("x", Assert.Single(ok.Outputs).Text?.Trim('\''));
        }

        var cached = Assert.Single(_cache.GetFiles("contract-*.marshal.b64"));
        await File.WriteAllTextAsync(cached.FullName, "not base64 at all!");

        using var second = NewSandbox();
        var result = await second.RunAsync(new RunRequest("display('y')", [], SandboxFixture.Quick), CancellationToken.None);

        Assert.Equal(RunStatus.Ok, result.Status);
        Assert.Equal("'y'", Assert.Single(result.Outputs).Text);
        Assert.NotEqual("not base64 at all!", await File.ReadAllTextAsync(cached.FullName));
    }
}
