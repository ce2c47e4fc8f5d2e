// Starts the real agentcode executable (built next to the tests, or the one AGENTCODE_TEST_SERVER names, such as the
// trimmed self-contained server of a platform package) with a clean, test-controlled environment.
using System.Diagnostics;

namespace AgentCode.Server.Tests.Infrastructure;

/// <summary>Process start information for the agentcode executable.</summary>
public static class AgentCodeProcess
{
    private static readonly string[] ClearedVariables =
    [
        "AGENTCODE_API_KEY", "OPENAI_API_KEY", "AGENTCODE_BASE_URL", "OPENAI_BASE_URL", "AGENTCODE_MODEL",
    ];

    /// <summary>Path of agentcode.dll in the test output.</summary>
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "agentcode.dll");

    /// <summary>
    /// The server under test: env <c>AGENTCODE_TEST_SERVER</c> (a native executable, or a .dll run with dotnet), by
    /// default the agentcode.dll built next to the tests.
    /// </summary>
    public static string ServerPath => Environment.GetEnvironmentVariable("AGENTCODE_TEST_SERVER") is { Length: > 0 } path ? Path.GetFullPath(path) : DllPath;

    /// <summary>Start info for <c>dotnet agentcode.dll ARGS</c> (or the native server) with redirected streams and the given variables.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var server = ServerPath;
        var native = !server.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(native ? server : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        if (!native)
        {
            info.ArgumentList.Add(server);
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var v in ClearedVariables)
        {
            info.Environment.Remove(v);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }
        return info;
    }

    /// <summary>The result of a finished command.</summary>
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs a command to completion (with a generous deadline) and returns its output.</summary>
    public static async Task<Outcome> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, TimeSpan? deadline = null)
    {
        using var process = Process.Start(StartInfo(args, env))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(deadline ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"agentcode {string.Join(' ', args)} did not finish. stderr: {await stderr}");
        }
        return new Outcome(process.ExitCode, await stdout, await stderr);
    }
}
