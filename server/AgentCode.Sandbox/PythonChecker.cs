// Checks Python source inside the sandbox: check.py parses it with CPython's own parser and runs the AST policy
// rules (docs/rules.md) on the tables and helpers of check_support.py, and capabilities.py sums up what the program will touch. Findings are advisory; the sandbox is the security boundary. A program the checker
// cannot analyse (it times out or exhausts memory in the parser) is reported as a syntax problem, not thrown.
// Checks go to a long-lived checker instance when it is free (see CheckWorker), else to a fresh one.
using System.Text.Json;

namespace AgentCode.Sandbox;

/// <summary>The checker, running in a <see cref="PythonSandbox"/>. Thread-safe.</summary>
/// <param name="sandbox">The sandbox to run check.py in; not owned.</param>
public sealed class PythonChecker(PythonSandbox sandbox) : IPythonChecker
{
    /// <summary>Limits for one check: parsing is quick, so a short deadline; the source itself is capped by callers.</summary>
    public static RunLimits Limits { get; } = new(TimeSpan.FromSeconds(20), 256L * 1024 * 1024, 8 * 1024 * 1024, 64 * 1024);

    // check_support.py (the rules' tables and helpers) comes first, then capabilities.py, which uses those helpers
    // and whose capabilities() check.py calls once the program parsed.
    private readonly string _checkSource = string.Join('\n', PythonResources.Load("check_support.py"), PythonResources.Load("capabilities.py"), PythonResources.Load("check.py"));

    /// <inheritdoc/>
    public Task<CheckResult> CheckAsync(string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(code);
        return Task.Factory.StartNew(() => Check(code, cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Checks synchronously on the calling thread (for the command-line tool and benchmarks).</summary>
    public CheckResult Check(string code, CancellationToken cancellationToken)
    {
        if (sandbox.TryCheckWithWorker(_checkSource, code, Limits, cancellationToken) is { } reply && Parse(reply) is { } fast)
        {
            return fast;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var outcome = sandbox.Execute(PythonSandbox.InterpreterArgs(_checkSource), code, [], Limits, 0, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (outcome.End == GuestEnd.Exited && outcome.ExitCode == 0)
        {
            if (Parse(outcome.Stdout) is { } result)
            {
                return result;
            }
        }

        var reason = outcome.Stop switch
        {
            StopReason.Deadline => "the checker ran out of time",
            StopReason.OutputLimit => "the checker's report was too large",
            _ when outcome.End == GuestEnd.StackOverflow => "the program is nested too deeply to parse",
            _ when outcome.NearMemoryCap => "the checker ran out of memory",
            _ => "the checker failed: " + (outcome.TrapMessage ?? System.Text.Encoding.UTF8.GetString(outcome.Stderr).Trim()),
        };
        return new CheckResult([new SyntaxProblem($"Could not check this program: {reason}.", new SourceRange(0, 0, 0, 1))], []);
    }

    private static CheckResult? Parse(byte[] json)
    {
        try
        {
            var report = JsonSerializer.Deserialize(json, GuestJson.Default.GuestCheckReport);
            return report is null ? null : new CheckResult(
                [.. report.SyntaxErrors.Select(e => new SyntaxProblem(e.Message, ToRange(e.Range)))],
                [.. report.Findings.Select(f => new Finding(f.Rule, ToSeverity(f.Severity), ToRange(f.Range), f.Message))],
                report.Capabilities is { } c ? new CodeCapabilities(c.Reads, c.WritesOutput, c.Imports) : null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static SourceRange ToRange(int[] r) => r.Length == 4 ? new SourceRange(r[0], r[1], r[2], r[3]) : new SourceRange(0, 0, 0, 1);

    private static Severity ToSeverity(string s) => s switch
    {
        "error" => Severity.Error,
        "warning" => Severity.Warning,
        _ => Severity.Info,
    };
}
