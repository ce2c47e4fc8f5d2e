// The JSON records python.wasm sends back to the host: runner.py's result record and check.py's report.
// Source-generated serialization keeps parsing fast and trimming-safe.
using System.Text.Json.Serialization;

namespace AgentCode.Sandbox;

/// <summary>runner.py's description of how the program ended.</summary>
internal sealed record GuestRecord(string Status, string? Type, string? Message, string? Traceback, int? Line)
{
    public PythonError ToError() => new(Type ?? "Error", Message ?? "", Traceback ?? "", Line);
}

/// <summary>check.py's report: ranges are [startLine, startColumn, endLine, endColumn], 0-based, UTF-16 columns.</summary>
internal sealed record GuestCheckReport(IReadOnlyList<GuestSyntaxError> SyntaxErrors, IReadOnlyList<GuestFinding> Findings);

internal sealed record GuestSyntaxError(string Message, int[] Range);

internal sealed record GuestFinding(string Rule, string Severity, int[] Range, string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GuestRecord))]
[JsonSerializable(typeof(GuestCheckReport))]
internal sealed partial class GuestJson : JsonSerializerContext;
