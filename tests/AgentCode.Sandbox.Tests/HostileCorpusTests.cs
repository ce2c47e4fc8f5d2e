// Runs every program in Hostile/ (each states its expected status in a '# expect:' header) and asserts that it
// was contained: the expected status, no 'ESCAPED' marker, the canary's secret and the host's API keys never in
// the output, no connection to a listening host socket, the data file unchanged and no file written next to the
// canary. Programs stopped by the deadline must end within half a second of it, and a cancelled one within half
// a second of the cancellation; every test has a timeout, so a sandbox that cannot stop a program fails the test
// instead of hanging the suite.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AgentCode.Sandbox;
using Xunit;

namespace AgentCode.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class HostileCorpusTests(SandboxFixture fixture) : IDisposable
{
    private static readonly string CorpusDir = Path.Combine(AppContext.BaseDirectory, "Hostile");
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(0.5);

    // Real-looking keys in the environment of the process that hosts the sandbox, as in the language server
    // started by the extension; environment_is_empty.py (and every other program) must not see them.
    private static readonly string HostKey = SetHostKeys("sk-canary-" + Guid.NewGuid().ToString("N"));
    private readonly DirectoryInfo _hostDir = Directory.CreateTempSubdirectory("agentcode-hostile-");

    private static IEnumerable<string> SnippetNames() =>
        Directory.GetFiles(CorpusDir, "*.py").Order(StringComparer.Ordinal).Select(f => Path.GetFileName(f));

    public static TheoryData<string> Snippets() => new(SnippetNames());

    [Fact]
    public void TheCorpusHasAtLeastThirtyPrograms() => Assert.True(Snippets().Count >= 30, $"only {Snippets().Count} hostile programs");

    public static TheoryData<string> StoppedSnippets() => new(SnippetNames().Where(s => Expected(Source(s)).Contains("timeout")));

    private static string SetHostKeys(string key)
    {
        Environment.SetEnvironmentVariable("AGENTCODE_API_KEY", key);
        Environment.SetEnvironmentVariable("OPENAI_API_KEY", key);
        return key;
    }

    private static string Source(string snippet) => File.ReadAllText(Path.Combine(CorpusDir, snippet));

    private static string[] Expected(string source) =>
        source.Split('\n')[0].Replace("# expect:", "", StringComparison.Ordinal).Trim().Split('|');

    [Fact]
    public void TheCorpusHasProgramsThatOnlyTheDeadlineStops() => Assert.True(StoppedSnippets().Count >= 3, $"only {StoppedSnippets().Count} programs expect a timeout");

    [Theory(Timeout = 150_000)]
    [MemberData(nameof(Snippets))]
    public async Task AHostileProgramIsContained(string snippet)
    {
        var hostKey = HostKey; // set in this process's environment before the run starts
        var secret = "canary-" + Guid.NewGuid().ToString("N");
        var canary = Path.Combine(_hostDir.FullName, "canary.txt");
        File.WriteAllText(canary, secret);
        var dataDir = Directory.CreateDirectory(Path.Combine(_hostDir.FullName, "data"));
        var input = Path.Combine(dataDir.FullName, "input.txt");
        File.WriteAllText(input, "original data\n");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var source = Source(snippet);
        var expected = Expected(source);
        var code = source.Replace("{{CANARY}}", canary, StringComparison.Ordinal)
            .Replace("{{SECRET}}", secret, StringComparison.Ordinal)
            .Replace("{{PORT}}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        // Programs meant to be stopped by the deadline get a short one; the others get a deadline so generous that
        // only their own outcome (error, memory, output limit) can end them, also on a slow, busy machine.
        var deadline = expected.Contains("timeout") ? TimeSpan.FromSeconds(4) : TimeSpan.FromSeconds(90);
        var limits = new RunLimits(deadline, 128L * 1024 * 1024, 256 * 1024, 64 * 1024);

        var clock = Stopwatch.StartNew();
        var result = await fixture.RunAsync(code, limits, [new DataMount(input, "input.txt")]);
        clock.Stop();

        var status = result.Status switch
        {
            RunStatus.OutputLimit => "output-limit",
            var s => s.ToString().ToLowerInvariant(),
        };
        Assert.True(expected.Contains(status), $"{snippet}: expected {string.Join('|', expected)}, got {status}: {result.Message} {result.Error?.Type}: {result.Error?.Message}\n{result.Stderr}");
        Assert.DoesNotContain("ESCAPED", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, result.Stdout + result.Stderr + result.Error?.Message + result.Error?.Traceback, StringComparison.Ordinal);
        Assert.DoesNotContain(hostKey, result.Stdout + result.Stderr + result.Error?.Message + result.Error?.Traceback, StringComparison.Ordinal);
        if (status == "timeout")
        {
            Assert.InRange(clock.Elapsed, deadline, deadline + Promptly);
        }

        Assert.False(listener.Pending(), $"{snippet}: the program reached a host socket");
        Assert.Equal("original data\n", File.ReadAllText(input));
        Assert.Equal(["canary.txt", "data"], _hostDir.EnumerateFileSystemInfos().Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["input.txt"], dataDir.EnumerateFileSystemInfos().Select(f => f.Name));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(StoppedSnippets))]
    public async Task ACancelledHostileProgramStopsWithinHalfASecond(string snippet)
    {
        using var cts = new CancellationTokenSource();
        var run = fixture.RunAsync(Source(snippet), RunLimits.Default with { Timeout = TimeSpan.FromMinutes(5) }, cancellationToken: cts.Token);
        await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(1)));
        var clock = Stopwatch.StartNew();
        await cts.CancelAsync();
        var result = await run;
        clock.Stop();

        Assert.Equal(RunStatus.Timeout, result.Status);
        Assert.Equal("The run was cancelled.", result.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Promptly);
    }

    public void Dispose() => _hostDir.Delete(recursive: true);
}
