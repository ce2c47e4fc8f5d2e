// Placeholder for the 'check' command; replaced by its implementation.
using System.CommandLine;

namespace AgentCode.Server.Cli;

internal static class CheckCommand
{
    public static Command Create() => new("check", "Not built yet.");
}
