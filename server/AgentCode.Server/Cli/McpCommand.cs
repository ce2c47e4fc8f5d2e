// 'agentcode mcp [--allow-data DIR]... [--record FILE | --no-record] [--max-timeout S] [--max-memory MB]
// [--concurrency N] [--queue N]': serves the run_python, check_python and describe_sandbox tools over the Model
// Context Protocol on stdin/stdout (logs on stderr). The options are the server's whole policy: which host
// folders programs may read, where each call is recorded, and the caps every call is held to.
using System.CommandLine;
using AgentCode.Server.Mcp;

namespace AgentCode.Server.Cli;

internal static class McpCommand
{
    public static Command Create()
    {
        var allowData = new Option<string[]>("--allow-data") { Description = "A folder whose files and subfolders programs may read, mounted read-only at /data (repeatable). Without it no data is allowed.", Arity = ArgumentArity.ZeroOrMore };
        var record = new Option<string>("--record") { Description = "Append one JSON line per tool call to this file.", DefaultValueFactory = _ => Path.Combine(".agentcode", "runs.jsonl") };
        var noRecord = new Option<bool>("--no-record") { Description = "Do not write a run record." };
        var maxTimeout = new Option<double>("--max-timeout") { Description = "The longest deadline a call may ask for, in seconds (default 60, at most 600).", DefaultValueFactory = _ => 60 };
        var maxMemory = new Option<int>("--max-memory") { Description = "The most memory a call may ask for, in MiB (default 1024, 32 to 4096).", DefaultValueFactory = _ => 1024 };
        var concurrency = new Option<int>("--concurrency") { Description = "Runs and checks at once (default 2).", DefaultValueFactory = _ => 2 };
        var queue = new Option<int>("--queue") { Description = "Calls that may wait for a free slot; more are answered busy (default 16).", DefaultValueFactory = _ => 16 };
        var command = new Command("mcp", "Serve run_python, check_python and describe_sandbox over the Model Context Protocol (stdio).")
        {
            allowData, record, noRecord, maxTimeout, maxMemory, concurrency, queue,
        };
        command.SetAction(async (parse, ct) =>
        {
            var seconds = parse.GetValue(maxTimeout);
            if (!(seconds > 0 && seconds <= 600))
            {
                return CliErrors.Usage($"--max-timeout {seconds}: give a number of seconds between 0 and 600.");
            }

            var mb = parse.GetValue(maxMemory);
            if (mb is < 32 or > 4096)
            {
                return CliErrors.Usage($"--max-memory {mb}: give a number of MiB between 32 and 4096.");
            }

            var (n, waiting) = (parse.GetValue(concurrency), parse.GetValue(queue));
            if (n is < 1 or > 64 || waiting is < 0 or > 1024)
            {
                return CliErrors.Usage($"--concurrency {n} --queue {waiting}: give 1 to 64 concurrent runs and 0 to 1024 waiting.");
            }

            var (allowList, error) = DataAllowList.Create(parse.GetValue(allowData) ?? []);
            if (allowList is null)
            {
                return CliErrors.Usage(error!);
            }

            var settings = new McpSettings(allowList, parse.GetValue(noRecord) ? null : parse.GetValue(record), TimeSpan.FromSeconds(seconds), mb, n, waiting);
            return await McpToolServer.RunAsync(settings, Console.Error, ct).ConfigureAwait(false);
        });
        return command;
    }
}
