// 'agentcode run FILE [--data PATH]... [--timeout S] [--memory MB] [--format text|json] [--output-dir DIR]': runs
// a Python program in the sandbox. Text mode passes the program's stdout and stderr through and ends with a status
// line on stderr, after a line listing the outputs (charts, images, files); JSON mode prints them in the document;
// --output-dir writes them as files.
// Exit codes: 0 ok, 1 the program failed (error, timeout, memory, output-limit), 2 usage or input error.
using System.CommandLine;
using AgentCode.Sandbox;

namespace AgentCode.Server.Cli;

internal static class RunCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The Python file to run, or - to read stdin." };
        var data = new Option<string[]>("--data") { Description = "A file or folder mounted read-only at /data/NAME (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var timeout = new Option<double>("--timeout") { Description = "Wall-clock limit in seconds (default 10, at most 600).", DefaultValueFactory = _ => RunLimits.Default.Timeout.TotalSeconds };
        var memory = new Option<int>("--memory") { Description = "Memory limit in MiB (default 256, 32 to 4096).", DefaultValueFactory = _ => (int)(RunLimits.Default.MemoryBytes / (1024 * 1024)) };
        var format = new Option<string>("--format") { Description = "Output format: text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var outputDir = new Option<string?>("--output-dir") { Description = "Write the outputs (charts, images, files under /output) into this folder." };
        var command = new Command("run", "Run a Python program in the WebAssembly sandbox.")
        {
            file, data, timeout, memory, format, outputDir,
        };
        command.SetAction(async (parse, ct) => await RunAsync(
            parse.GetValue(file)!, parse.GetValue(data) ?? [], parse.GetValue(timeout), parse.GetValue(memory), parse.GetValue(format)!, parse.GetValue(outputDir), ct).ConfigureAwait(false));
        return command;
    }

    private static async Task<int> RunAsync(string path, string[] data, double timeout, int memoryMb, string format, string? outputDir, CancellationToken cancellationToken)
    {
        if (!(timeout > 0 && timeout <= 600))
        {
            return CliErrors.Usage($"--timeout {timeout}: give a number of seconds between 0 and 600.");
        }

        if (memoryMb is < 32 or > 4096)
        {
            return CliErrors.Usage($"--memory {memoryMb}: give a number of MiB between 32 and 4096.");
        }

        var mounts = new List<DataMount>();
        foreach (var d in data)
        {
            if (!File.Exists(d) && !Directory.Exists(d))
            {
                return CliErrors.Usage($"--data {d}: file not found.");
            }

            var mount = new DataMount(Path.GetFullPath(d));
            if (mounts.Any(m => m.Name == mount.Name))
            {
                return CliErrors.Usage($"--data {d}: another data file is already named '{mount.Name}' under /data.");
            }

            mounts.Add(mount);
        }

        var (code, error) = ProgramInput.Read(path);
        if (code is null)
        {
            return CliErrors.Usage(error!);
        }

        var limits = RunLimits.Default with { Timeout = TimeSpan.FromSeconds(timeout), MemoryBytes = memoryMb * 1024L * 1024 };
        RunResult result;
        try
        {
            using var sandbox = PythonSandbox.Create();
            result = await sandbox.RunAsync(new RunRequest(code, mounts, limits), cancellationToken).ConfigureAwait(false);
        }
        catch (SandboxUnavailableException e)
        {
            return CliErrors.Usage(e.Message);
        }

        IReadOnlyList<string> written = [];
        if (outputDir is not null && result.Outputs.Count > 0)
        {
            try
            {
                written = OutputDirectory.Write(outputDir, result.Outputs);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"agentcode: the outputs could not be written to {outputDir}: {e.Message}");
                return 1;
            }
        }

        if (format == "json")
        {
            Console.Out.WriteLine(OutputFormats.RunJson(result));
        }
        else
        {
            using (var stdout = Console.OpenStandardOutput())
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(result.Stdout);
                stdout.Write(bytes);
                stdout.Flush();
            }

            Console.Error.Write(result.Stderr);
            Console.Error.Write(OutputFormats.OutputsText(result.Outputs, outputDir is null ? null : written));
            Console.Error.Write(OutputFormats.RunStatusText(result));
        }

        return result.Status == RunStatus.Ok ? 0 : 1;
    }
}
