// Finds the repository root (the folder holding AgentCode.sln) and the built agentcode executable.
namespace AgentCode.Sandbox.Tests;

internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The agentcode executable of the same configuration as these tests.</summary>
    public static string Agentcode
    {
        get
        {
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
