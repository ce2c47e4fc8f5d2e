// Formats check and run results for the command line: text for people, JSON documented by
// docs/schemas/check.schema.json and docs/schemas/run.schema.json, and SARIF 2.1.0 for code-scanning tools.
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AgentCode.Sandbox;
using AgentCode.Server.Protocol;

namespace AgentCode.Server.Cli;

internal static class OutputFormats
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>'file:line:col: severity RULE message' lines (1-based), then a summary line.</summary>
    public static string CheckText(string file, CheckResult result)
    {
        var sb = new StringBuilder();
        foreach (var e in result.SyntaxErrors)
        {
            sb.Append(file).Append(':').Append(e.Range.StartLine + 1).Append(':').Append(e.Range.StartColumn + 1)
                .Append(": error ").Append(Rules.SyntaxErrorId).Append(' ').AppendLine(e.Message);
        }

        foreach (var f in result.Findings)
        {
            sb.Append(file).Append(':').Append(f.Range.StartLine + 1).Append(':').Append(f.Range.StartColumn + 1)
                .Append(": ").Append(SeverityName(f.Severity)).Append(' ').Append(f.RuleId).Append(' ').AppendLine(f.Message);
        }

        var problems = result.SyntaxErrors.Count + result.Findings.Count;
        sb.AppendLine(problems == 0
            ? $"{file}: no problems found"
            : $"{file}: {Plural(result.SyntaxErrors.Count, "syntax error")}, {Plural(result.Findings.Count, "finding")}{(result.IsBlocking ? " (blocking)" : "")}");
        return sb.ToString();
    }

    public static string CheckJson(string file, CheckResult result) => JsonSerializer.Serialize(
        new CheckDocument(
            file,
            result.IsBlocking,
            [.. result.SyntaxErrors.Select(e => new SyntaxErrorInfo(e.Message, ProtocolMapping.ToRange(e.Range)))],
            [.. result.Findings.Select(f => new FindingDocument(f.RuleId, SeverityName(f.Severity), f.Message, ProtocolMapping.ToRange(f.Range)))],
            result.Capabilities is { } c ? new CapabilitiesInfo(c.Reads, c.WritesOutput, c.Imports) : null),
        Json);

    public static string CheckSarif(string file, CheckResult result)
    {
        var uri = file == "-" ? "stdin" : file.Replace('\\', '/');
        var results = result.SyntaxErrors.Select(e => SarifResult(Rules.SyntaxErrorId, Severity.Error, e.Message, uri, e.Range))
            .Concat(result.Findings.Select(f => SarifResult(f.RuleId, f.Severity, f.Message, uri, f.Range)))
            .ToList();
        var log = new Dictionary<string, object>
        {
            ["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json",
            ["version"] = "2.1.0",
            ["runs"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["tool"] = new
                    {
                        driver = new
                        {
                            name = "agentcode",
                            informationUri = "https://github.com/agentcode/agentcode/blob/main/docs/rules.md",
                            version = typeof(OutputFormats).Assembly.GetName().Version?.ToString() ?? "0.0.0",
                            rules = Rules.All.Select(r => new
                            {
                                id = r.Id,
                                name = r.Name,
                                shortDescription = new { text = r.Summary },
                                defaultConfiguration = new { level = SarifLevel(r.DefaultSeverity) },
                            }),
                        },
                    },
                    ["columnKind"] = "utf16CodeUnits",
                    ["results"] = results,
                },
            },
        };
        return JsonSerializer.Serialize(log, Json);
    }

    private static object SarifResult(string ruleId, Severity severity, string message, string uri, SourceRange range) => new
    {
        ruleId,
        level = SarifLevel(severity),
        message = new { text = message },
        locations = new[]
        {
            new
            {
                physicalLocation = new
                {
                    artifactLocation = new { uri },
                    region = new
                    {
                        startLine = range.StartLine + 1,
                        startColumn = range.StartColumn + 1,
                        endLine = range.EndLine + 1,
                        endColumn = range.EndColumn + 1,
                    },
                },
            },
        },
    };

    /// <summary>The status line printed after a run's output in text mode.</summary>
    public static string RunStatusText(RunResult result)
    {
        var sb = new StringBuilder();
        if (result.Error is { Traceback.Length: > 0 } error)
        {
            sb.Append(error.Traceback);
            if (!error.Traceback.EndsWith('\n'))
            {
                sb.AppendLine();
            }
        }

        sb.Append("agentcode: ").Append(StatusName(result.Status)).Append(" in ").Append(result.Elapsed.TotalSeconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)).Append(" s");
        // The traceback already ends with the exception line; otherwise the message says what happened.
        var printedTraceback = result.Error is { Traceback.Length: > 0 };
        if (result.Message is { Length: > 0 } message && !(result.Status == RunStatus.Error && printedTraceback))
        {
            sb.Append(": ").Append(message);
        }

        return sb.AppendLine().ToString();
    }

    /// <summary>
    /// One line naming a run's outputs (empty when there are none): where they were written, or how to get them.
    /// </summary>
    public static string OutputsText(IReadOnlyList<RunOutput> outputs, IReadOnlyList<string>? written)
    {
        if (outputs.Count == 0)
        {
            return "";
        }

        var list = string.Join(", ", outputs.Select(o => o.Name is null ? o.Mime : $"{o.Name} ({o.Mime})"));
        return written is null
            ? $"agentcode: {Plural(outputs.Count, "output")}: {list}; --output-dir DIR writes them as files, --format json prints them\n"
            : $"agentcode: wrote {Plural(written.Count, "output")}: {string.Join(", ", written)}\n";
    }

    /// <summary>The run result as JSON: the same record <c>agentcode/run</c> answers with.</summary>
    public static string RunJson(RunResult result) => JsonSerializer.Serialize(ProtocolMapping.ToInfo(result), Json);

    /// <summary>The wire name of a status: ok, error, timeout, memory, output-limit.</summary>
    public static string StatusName(RunStatus status) => ProtocolMapping.ToWire(status);

    public static string SeverityName(Severity severity) => ProtocolMapping.ToWire(severity);

    private static string SarifLevel(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "note",
    };

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private sealed record CheckDocument(string File, bool Blocking, IReadOnlyList<SyntaxErrorInfo> SyntaxErrors, IReadOnlyList<FindingDocument> Findings, CapabilitiesInfo? Capabilities);

    private sealed record FindingDocument(string RuleId, string Severity, string Message, LspRange Range);
}
