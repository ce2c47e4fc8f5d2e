// The JSON records python.wasm sends back to the host: runner.py's result record and check.py's report.
// Source-generated serialization keeps parsing fast and trimming-safe.
using System.Text.Json.Serialization;

namespace AgentCode.Sandbox;

/// <summary>runner.py's description of how the program ended.</summary>
internal sealed record GuestRecord(string Status, string? Type, string? Message, string? Traceback, int? Line)
{
    /// <summary>The outputs the contract collected (display, then /output files).</summary>
    public IReadOnlyList<GuestOutput>? Outputs { get; init; }

    /// <summary>The sentence naming the output cap that was passed, if one was.</summary>
    public string? OutputLimit { get; init; }

    /// <summary>Why the outputs could not be collected, if they could not.</summary>
    public string? OutputProblem { get; init; }

    public PythonError ToError() => new(Type ?? "Error", Message ?? "", Traceback ?? "", Line);
}

/// <summary>One output as the contract's collect() reports it.</summary>
internal sealed record GuestOutput(string? Mime, string? Text, string? Base64, string? Name);

/// <summary>check.py's report: ranges are [startLine, startColumn, endLine, endColumn], 0-based, UTF-16 columns.</summary>
internal sealed record GuestCheckReport(IReadOnlyList<GuestSyntaxError> SyntaxErrors, IReadOnlyList<GuestFinding> Findings)
{
    /// <summary>capabilities.py's summary; absent when the program did not parse.</summary>
    public GuestCapabilities? Capabilities { get; init; }
}

/// <summary>capabilities.py's summary of what a program touches.</summary>
internal sealed record GuestCapabilities(IReadOnlyList<string> Reads, bool WritesOutput, IReadOnlyList<string> Imports);

internal sealed record GuestSyntaxError(string Message, int[] Range);

internal sealed record GuestFinding(string Rule, string Severity, int[] Range, string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GuestRecord))]
[JsonSerializable(typeof(GuestCheckReport))]
internal sealed partial class GuestJson : JsonSerializerContext;
