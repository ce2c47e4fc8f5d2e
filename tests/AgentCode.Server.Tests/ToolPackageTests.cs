// The CLI without VS Code: `dotnet pack` of the server makes the .NET tool package `agentcode`, which installs
// from a local folder with `dotnet tool install --add-source` and runs the example against the example data.
using System.Diagnostics;
using System.Reflection;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class ToolPackageTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agentcode-tool-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AgentCode.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("AgentCode.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> Run(string file, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task TheToolPackageInstallsFromALocalFolderAndRunsTheExample()
    {
        var root = RepoRoot();
        var configuration = typeof(ToolPackageTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var feed = Path.Combine(_dir.FullName, "feed");
        var tools = Path.Combine(_dir.FullName, "tools");

        // The server of this test run's configuration is already built (the tests reference it).
        var pack = await Run("dotnet", root, "pack", Path.Combine("server", "AgentCode.Server", "AgentCode.Server.csproj"), "-c", configuration, "--no-build", "-o", feed, "--nologo");
        Assert.True(pack.Code == 0, pack.Stdout + pack.Stderr);
        var package = Assert.Single(Directory.GetFiles(feed, "agentcode.*.nupkg"));
        var version = Path.GetFileNameWithoutExtension(package)["agentcode.".Length..];

        // Only the local folder: a NuGet.config without the machine's sources, so nothing is asked of a registry.
        var config = Path.Combine(_dir.FullName, "NuGet.config");
        File.WriteAllText(config, "<configuration><packageSources><clear /></packageSources></configuration>");
        var install = await Run("dotnet", _dir.FullName, "tool", "install", "agentcode", "--tool-path", tools, "--configfile", config, "--add-source", feed, "--version", version);
        Assert.True(install.Code == 0, install.Stdout + install.Stderr);

        var agentcode = Path.Combine(tools, OperatingSystem.IsWindows() ? "agentcode.exe" : "agentcode");
        var printed = await Run(agentcode, root, "--version");
        Assert.Equal(0, printed.Code);
        var expected = typeof(Handlers.InitializeHandler).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(expected, printed.Stdout.Trim());
        Assert.StartsWith(version.Split('-')[0], expected, StringComparison.Ordinal);

        var run = await Run(agentcode, root, "run", Path.Combine("examples", "summary.py"), "--data", Path.Combine("examples", "sales.csv"));
        Assert.True(run.Code == 0, run.Stdout + run.Stderr);
        Assert.Contains("north  n=2 mean=109.25", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("west   n=1 mean=75.00", run.Stdout, StringComparison.Ordinal);
    }
}
