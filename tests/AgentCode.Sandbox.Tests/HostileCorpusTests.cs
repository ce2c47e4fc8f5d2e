// Runs every program in Hostile/ (each states its expected status in a '# expect:' header) and asserts that it
// was contained: the expected status, no 'ESCAPED' marker, the canary's secret never in the output, no
// connection to a listening host socket, the data file unchanged and no file written next to the canary.
using System.Net;
using System.Net.Sockets;
using AgentCode.Sandbox;
using Xunit;

namespace AgentCode.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class HostileCorpusTests(SandboxFixture fixture) : IDisposable
{
    private static readonly string CorpusDir = Path.Combine(AppContext.BaseDirectory, "Hostile");
    private readonly DirectoryInfo _hostDir = Directory.CreateTempSubdirectory("agentcode-hostile-");

    public static TheoryData<string> Snippets()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(CorpusDir, "*.py").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void TheCorpusHasAtLeastThirtyPrograms() => Assert.True(Snippets().Count >= 30, $"only {Snippets().Count} hostile programs");

    [Theory]
    [MemberData(nameof(Snippets))]
    public async Task AHostileProgramIsContained(string snippet)
    {
        var secret = "canary-" + Guid.NewGuid().ToString("N");
        var canary = Path.Combine(_hostDir.FullName, "canary.txt");
        File.WriteAllText(canary, secret);
        var dataDir = Directory.CreateDirectory(Path.Combine(_hostDir.FullName, "data"));
        var input = Path.Combine(dataDir.FullName, "input.txt");
        File.WriteAllText(input, "original data\n");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var source = File.ReadAllText(Path.Combine(CorpusDir, snippet));
        var expected = source.Split('\n')[0].Replace("# expect:", "", StringComparison.Ordinal).Trim().Split('|');
        var code = source.Replace("{{CANARY}}", canary, StringComparison.Ordinal)
            .Replace("{{SECRET}}", secret, StringComparison.Ordinal)
            .Replace("{{PORT}}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        // Programs meant to be stopped by the deadline get a short one; the others get a deadline so generous that
        // only their own outcome (error, memory, output limit) can end them, also on a slow, busy machine.
        var deadline = expected.Contains("timeout") ? TimeSpan.FromSeconds(4) : TimeSpan.FromSeconds(90);
        var limits = new RunLimits(deadline, 128L * 1024 * 1024, 256 * 1024, 64 * 1024);

        var result = await fixture.RunAsync(code, limits, [new DataMount(input, "input.txt")]);

        var status = result.Status switch
        {
            RunStatus.OutputLimit => "output-limit",
            var s => s.ToString().ToLowerInvariant(),
        };
        Assert.True(expected.Contains(status), $"{snippet}: expected {string.Join('|', expected)}, got {status}: {result.Message} {result.Error?.Type}: {result.Error?.Message}\n{result.Stderr}");
        Assert.DoesNotContain("ESCAPED", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, result.Stdout + result.Stderr + result.Error?.Message + result.Error?.Traceback, StringComparison.Ordinal);
        Assert.False(listener.Pending(), $"{snippet}: the program reached a host socket");
        Assert.Equal("original data\n", File.ReadAllText(input));
        Assert.Equal(["canary.txt", "data"], _hostDir.EnumerateFileSystemInfos().Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["input.txt"], dataDir.EnumerateFileSystemInfos().Select(f => f.Name));
    }

    public void Dispose() => _hostDir.Delete(recursive: true);
}
