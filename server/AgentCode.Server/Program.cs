// Entry point of the agentcode executable: one command table for the command-line tool, the language server and
// the MCP server. Each command lives in its own file under Cli/ and is a factory returning a System.CommandLine Command.
using System.CommandLine;
using AgentCode.Server.Cli;

var root = new RootCommand("AgentCode: check, run and generate Python in a WebAssembly sandbox.")
{
    CheckCommand.Create(),
    RunCommand.Create(),
    GenerateCommand.Create(),
    LspCommand.Create(),
    McpCommand.Create(),
};
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // Usage errors exit with 2 (System.CommandLine's default is 1, which our commands reserve for "the check or
    // run failed"), with a pointer to the help instead of the whole help text.
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine("agentcode: " + error.Message);
    }

    var command = string.Join(' ', parse.CommandResult.Command is RootCommand ? [] : new[] { parse.CommandResult.Command.Name });
    Console.Error.WriteLine($"Run 'agentcode {command}{(command.Length > 0 ? " " : "")}--help' for usage.");
    return 2;
}

return await parse.InvokeAsync();
