// Finds the repository root (the folder holding AgentCode.sln) and the agentcode executable under test.
namespace AgentCode.Sandbox.Tests;

internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The agentcode executable of the same configuration as these tests, or the native one env
    /// <c>AGENTCODE_TEST_SERVER</c> names (such as the trimmed self-contained server of a platform package).
    /// </summary>
    public static string Agentcode
    {
        get
        {
            if (Environment.GetEnvironmentVariable("AGENTCODE_TEST_SERVER") is { Length: > 0 } server && !server.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                return Path.GetFullPath(server);
            }

            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            return Path.Combine(Root, "server", "AgentCode.Server", "bin", configuration, "net10.0", OperatingSystem.IsWindows() ? "agentcode.exe" : "agentcode");
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AgentCode.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("AgentCode.sln not found above " + AppContext.BaseDirectory);
    }
}
