// Converts the sandbox's result values into the wire records of the protocol, in one place, so the LSP
// handlers and the command line show the same shapes.
using AgentCode.Sandbox;

namespace AgentCode.Server.Protocol;

/// <summary>Sandbox contracts to protocol records.</summary>
public static class ProtocolMapping
{
    /// <summary>A sandbox range as an LSP range.</summary>
    public static LspRange ToRange(SourceRange r) => new(new Position(r.StartLine, r.StartColumn), new Position(r.EndLine, r.EndColumn));

    /// <summary>Run status as its wire string.</summary>
    public static string ToWire(RunStatus status) => status switch
    {
        RunStatus.Ok => "ok",
        RunStatus.Error => "error",
        RunStatus.Timeout => "timeout",
        RunStatus.Memory => "memory",
        RunStatus.OutputLimit => "output-limit",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>Severity as its wire string.</summary>
    public static string ToWire(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "info",
    };

    /// <summary>A check result without the disabled rules.</summary>
    public static CheckResultInfo ToInfo(CheckResult result, IReadOnlySet<string> disabledRules)
    {
        var filtered = result.WithoutRules(disabledRules);
        return new CheckResultInfo(
            filtered.SyntaxErrors.Select(s => new SyntaxErrorInfo(s.Message, ToRange(s.Range))).ToList(),
            filtered.Findings.Select(f => new FindingInfo(f.RuleId, ToWire(f.Severity), ToRange(f.Range), f.Message)).ToList(),
            filtered.IsBlocking,
            filtered.Capabilities is { } c ? new CapabilitiesInfo(c.Reads, c.WritesOutput, c.Imports) : null);
    }

    /// <summary>A run result.</summary>
    public static RunResultInfo ToInfo(RunResult r) => new(
        ToWire(r.Status),
        r.Stdout,
        r.Stderr,
        r.Error is { } e ? new PythonErrorInfo(e.Type, e.Message, e.Traceback, e.Line) : null,
        r.Message,
        Math.Round(r.Elapsed.TotalMilliseconds, 1),
        [.. r.Outputs.Select(o => new RunOutputInfo(o.Mime, o.Text, o.Base64, o.Name))]);

    /// <summary>Checker results as LSP diagnostics: syntax errors as errors, findings with their rule id as code.</summary>
    public static IReadOnlyList<Diagnostic> ToDiagnostics(CheckResult result, IReadOnlySet<string> disabledRules)
    {
        var list = new List<Diagnostic>();
        foreach (var s in result.SyntaxErrors)
        {
            list.Add(new Diagnostic(ToRange(s.Range), DiagnosticSeverity.Error, "syntax", DiagnosticSource, s.Message));
        }
        foreach (var f in result.WithoutRules(disabledRules).Findings)
        {
            var severity = f.Severity switch
            {
                Severity.Error => DiagnosticSeverity.Error,
                Severity.Warning => DiagnosticSeverity.Warning,
                _ => DiagnosticSeverity.Information,
            };
            list.Add(new Diagnostic(ToRange(f.Range), severity, f.RuleId, DiagnosticSource, f.Message));
        }
        return list;
    }

    /// <summary>The <c>source</c> of every diagnostic the server publishes.</summary>
    public const string DiagnosticSource = "agentcode";
}
