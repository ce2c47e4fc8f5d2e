// 'agentcode lsp --stdio': serves the Language Server Protocol on stdin/stdout, logging to stderr.
using System.CommandLine;
using AgentCode.Server.Lsp;

namespace AgentCode.Server.Cli;

internal static class LspCommand
{
    public static Command Create()
    {
        var stdio = new Option<bool>("--stdio") { Description = "Speak LSP over stdin and stdout (the only transport)." };
        var command = new Command("lsp", "Serve the Language Server Protocol (for the VS Code extension).") { stdio };
        command.SetAction(async (parse, _) =>
        {
            var services = SandboxServices.Create(m => Console.Error.WriteLine("[agentcode] " + m));
            await using var input = Console.OpenStandardInput();
            await using var output = Console.OpenStandardOutput();
            return await LanguageServer.RunAsync(input, output, services, Console.Error).ConfigureAwait(false);
        });
        return command;
    }
}
