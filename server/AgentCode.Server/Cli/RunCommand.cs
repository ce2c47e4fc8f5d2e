// Placeholder for the 'run' command; replaced by its implementation.
using System.CommandLine;

namespace AgentCode.Server.Cli;

internal static class RunCommand
{
    public static Command Create() => new("run", "Not built yet.");
}
