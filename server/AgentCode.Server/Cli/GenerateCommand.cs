// Placeholder for the 'generate' command; replaced by its implementation.
using System.CommandLine;

namespace AgentCode.Server.Cli;

internal static class GenerateCommand
{
    public static Command Create() => new("generate", "Not built yet.");
}
