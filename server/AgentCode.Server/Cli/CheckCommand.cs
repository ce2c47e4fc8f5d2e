// 'agentcode check FILE|- [--format text|json|sarif] [--disable RULE]...': checks a Python program with CPython's
// parser and the policy rules inside the sandbox. Exit codes: 0 nothing blocking, 1 syntax errors or findings of
// severity error, 2 usage or input error (missing file, binary, invalid UTF-8, over 1 MiB, sandbox unavailable).
using System.CommandLine;
using AgentCode.Sandbox;

namespace AgentCode.Server.Cli;

internal static class CheckCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The Python file to check, or - to read stdin." };
        var format = new Option<string>("--format") { Description = "Output format: text, json or sarif.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "sarif");
        var disable = new Option<string[]>("--disable") { Description = "A rule id to turn off, e.g. AC103 (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("check", "Check a Python program: syntax (CPython's parser) and policy rules (docs/rules.md).")
        {
            file, format, disable,
        };
        command.SetAction((parse, ct) => Task.FromResult(Run(parse.GetValue(file)!, parse.GetValue(format)!, parse.GetValue(disable) ?? [], ct)));
        return command;
    }

    private static int Run(string path, string format, string[] disabled, CancellationToken cancellationToken)
    {
        var unknown = disabled.FirstOrDefault(id => Rules.Find(id) is null);
        if (unknown is not null)
        {
            return CliErrors.Usage($"--disable {unknown}: no such rule; the rules are {string.Join(", ", Rules.All.Select(r => r.Id))}.");
        }

        var (code, error) = ProgramInput.Read(path);
        if (code is null)
        {
            return CliErrors.Usage(error!);
        }

        CheckResult result;
        try
        {
            using var sandbox = PythonSandbox.Create();
            result = new PythonChecker(sandbox).Check(code, cancellationToken);
        }
        catch (SandboxUnavailableException e)
        {
            return CliErrors.Usage(e.Message);
        }
        catch (OperationCanceledException)
        {
            return CliErrors.Usage("cancelled.");
        }

        result = result.WithoutRules(CheckPolicy.Disabling(disabled).DisabledRules);
        Console.Out.Write(format switch
        {
            "json" => OutputFormats.CheckJson(path, result) + Environment.NewLine,
            "sarif" => OutputFormats.CheckSarif(path, result) + Environment.NewLine,
            _ => OutputFormats.CheckText(path == "-" ? "<stdin>" : path, result),
        });
        return result.IsBlocking ? 1 : 0;
    }
}

/// <summary>One-line errors for the command line: 'agentcode: message' on stderr, exit code 2.</summary>
internal static class CliErrors
{
    public const int UsageExitCode = 2;

    public static int Usage(string message)
    {
        Console.Error.WriteLine("agentcode: " + message);
        return UsageExitCode;
    }
}
