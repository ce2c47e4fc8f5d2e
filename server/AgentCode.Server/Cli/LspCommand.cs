// Placeholder for the 'lsp' command; replaced by its implementation.
using System.CommandLine;

namespace AgentCode.Server.Cli;

internal static class LspCommand
{
    public static Command Create() => new("lsp", "Not built yet.");
}
