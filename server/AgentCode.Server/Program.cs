// Entry point of the agentcode executable: one command table for the command-line tool and the language
// server. Each command lives in its own file under Cli/ and is a factory returning a System.CommandLine Command.
using System.CommandLine;
using AgentCode.Server.Cli;

var root = new RootCommand("AgentCode: check, run and generate Python in a WebAssembly sandbox.")
{
    CheckCommand.Create(),
    RunCommand.Create(),
    GenerateCommand.Create(),
    LspCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
