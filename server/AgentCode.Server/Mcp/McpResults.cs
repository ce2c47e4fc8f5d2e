// Turns sandbox results into MCP tool results. A run gives a text part first (status, stdout, stderr, the error),
// then one content block per output in the output contract's types: PNG as MCP image content, SVG as image
// content too (base64 of its text), Vega-Lite, HTML and JSON as embedded resources with their MIME type and a
// agentcode://run/... URI, Markdown and plain text as text, other /output files as blob resources. The structured
// content repeats the fields, with each output's index into the content array.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCode.Sandbox;
using AgentCode.Server.Protocol;
using ModelContextProtocol.Protocol;

namespace AgentCode.Server.Mcp;

internal static class McpResults
{
    /// <summary>A tool error the caller can act on: isError with one sentence, no structured content.</summary>
    public static CallToolResult Error(string sentence) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = sentence }],
    };

    /// <summary>The result of a run.</summary>
    public static CallToolResult Run(string callId, RunResult run)
    {
        var content = new List<ContentBlock> { new TextContentBlock { Text = RunText(run) } };
        var outputs = new JsonArray();
        for (var i = 0; i < run.Outputs.Count; i++)
        {
            var o = run.Outputs[i];
            var entry = new JsonObject { ["mime"] = o.Mime, ["name"] = o.Name };
            if (o.Text is not null)
            {
                entry["text"] = o.Text;
            }

            entry["content"] = content.Count;
            content.Add(Block(callId, i, o));
            outputs.Add(entry);
        }

        var structured = new JsonObject
        {
            ["status"] = ProtocolMapping.ToWire(run.Status),
            ["stdout"] = run.Stdout,
            ["stderr"] = run.Stderr,
            ["error"] = run.Error is { } e
                ? new JsonObject { ["type"] = e.Type, ["message"] = e.Message, ["traceback"] = e.Traceback, ["line"] = e.Line }
                : null,
            ["message"] = run.Message,
            ["elapsedMs"] = Math.Round(run.Elapsed.TotalMilliseconds, 1),
            ["outputs"] = outputs,
        };
        return new CallToolResult
        {
            IsError = false,
            Content = content,
            StructuredContent = JsonSerializer.SerializeToElement(structured),
        };
    }

    /// <summary>The result of a check (1-based lines and columns).</summary>
    public static CallToolResult Check(CheckResult check)
    {
        var structured = new JsonObject
        {
            ["blocking"] = check.IsBlocking,
            ["syntaxErrors"] = new JsonArray([.. check.SyntaxErrors.Select(s => (JsonNode)new JsonObject
            {
                ["message"] = s.Message, ["line"] = s.Range.StartLine + 1, ["column"] = s.Range.StartColumn + 1,
            })]),
            ["findings"] = new JsonArray([.. check.Findings.Select(f => (JsonNode)new JsonObject
            {
                ["ruleId"] = f.RuleId, ["severity"] = ProtocolMapping.ToWire(f.Severity), ["message"] = f.Message,
                ["line"] = f.Range.StartLine + 1, ["column"] = f.Range.StartColumn + 1,
            })]),
        };
        var text = new StringBuilder();
        foreach (var s in check.SyntaxErrors)
        {
            text.Append("line ").Append(s.Range.StartLine + 1).Append(": syntax error: ").AppendLine(s.Message);
        }

        foreach (var f in check.Findings)
        {
            text.Append("line ").Append(f.Range.StartLine + 1).Append(": ").Append(ProtocolMapping.ToWire(f.Severity)).Append(' ').Append(f.RuleId).Append(' ').AppendLine(f.Message);
        }

        text.Append(check.SyntaxErrors.Count + check.Findings.Count == 0
            ? "No problems found."
            : check.IsBlocking ? "Blocking: fix the errors before running." : "No blocking problems; the findings are advisory (the sandbox confines the program either way).");
        return new CallToolResult
        {
            IsError = false,
            Content = [new TextContentBlock { Text = text.ToString() }],
            StructuredContent = JsonSerializer.SerializeToElement(structured),
        };
    }

    /// <summary>The capability card and the facts behind it.</summary>
    public static CallToolResult Describe(McpSettings settings, RunLimits limits)
    {
        var structured = new JsonObject
        {
            ["card"] = CapabilityCard.Text,
            ["pythonVersion"] = OutputContract.PythonVersion,
            ["network"] = false,
            ["dataDir"] = OutputContract.DataDir,
            ["outputDir"] = OutputContract.OutputDir,
            ["mimeTypes"] = new JsonArray([.. OutputContract.MimeTypes.Select(t => (JsonNode)t.Mime)]),
            ["allowedData"] = new JsonArray([.. settings.AllowList.Directories.Select(d => (JsonNode)d)]),
            ["limits"] = new JsonObject
            {
                ["defaultTimeoutSeconds"] = settings.DefaultLimits.Timeout.TotalSeconds,
                ["maxTimeoutSeconds"] = settings.MaxTimeout.TotalSeconds,
                ["defaultMemoryMb"] = settings.DefaultLimits.MemoryBytes / (1024 * 1024),
                ["maxMemoryMb"] = settings.MaxMemoryMb,
                ["stdoutBytes"] = limits.StdoutBytes,
                ["stderrBytes"] = limits.StderrBytes,
                ["outputBytes"] = limits.OutputBytes,
                ["outputFiles"] = limits.OutputFiles,
                ["concurrentRuns"] = settings.Concurrency,
                ["queuedRuns"] = settings.QueueLength,
            },
        };
        var allowed = settings.AllowList.Directories.Count == 0
            ? "This server allows no data files."
            : $"Data files may come from: {string.Join(", ", settings.AllowList.Directories)} (pass their paths in run_python's data; each appears read-only at {OutputContract.DataDir}/NAME).";
        var text = $"{CapabilityCard.Text}\n\n## This server\n\n- {allowed}\n- Each run: {settings.DefaultLimits.Timeout.TotalSeconds:0.#} s by default (at most {settings.MaxTimeout.TotalSeconds:0.#} s), {settings.DefaultLimits.MemoryBytes / (1024 * 1024)} MiB by default (at most {settings.MaxMemoryMb} MiB); at most {settings.Concurrency} runs at once and {settings.QueueLength} waiting, more are answered \"busy\".";
        return new CallToolResult
        {
            IsError = false,
            Content = [new TextContentBlock { Text = text }],
            StructuredContent = JsonSerializer.SerializeToElement(structured),
        };
    }

    private static ContentBlock Block(string callId, int index, RunOutput o)
    {
        var uri = $"agentcode://run/{callId}/{(o.Name is null ? $"display/{index + 1}" : "output/" + o.Name)}";
        var kind = OutputContract.Find(o.Mime)?.Kind;
        return (o.Mime, kind) switch
        {
            ("image/png", _) when o.Base64 is not null => ImageContentBlock.FromBytes(Convert.FromBase64String(o.Base64), o.Mime),
            ("image/svg+xml", _) when o.Text is not null => ImageContentBlock.FromBytes(Encoding.UTF8.GetBytes(o.Text), o.Mime),
            (_, "markdown" or "text") when o.Text is not null => new TextContentBlock { Text = o.Text },
            _ when o.Text is not null => new EmbeddedResourceBlock { Resource = new TextResourceContents { Uri = uri, MimeType = o.Mime, Text = o.Text } },
            _ => new EmbeddedResourceBlock { Resource = BlobResourceContents.FromBytes(Convert.FromBase64String(o.Base64 ?? ""), uri, o.Mime) },
        };
    }

    private static string RunText(RunResult run)
    {
        var sb = new StringBuilder();
        sb.Append("status: ").Append(ProtocolMapping.ToWire(run.Status));
        sb.Append(" (").Append(Math.Round(run.Elapsed.TotalMilliseconds)).AppendLine(" ms)");
        if (run.Message is { Length: > 0 } message)
        {
            sb.AppendLine(message);
        }

        if (run.Stdout.Length > 0)
        {
            sb.AppendLine("--- stdout ---").Append(run.Stdout);
            if (!run.Stdout.EndsWith('\n'))
            {
                sb.AppendLine();
            }
        }

        if (run.Stderr.Length > 0)
        {
            sb.AppendLine("--- stderr ---").Append(run.Stderr);
            if (!run.Stderr.EndsWith('\n'))
            {
                sb.AppendLine();
            }
        }

        if (run.Error is { } e)
        {
            sb.AppendLine("--- error ---").AppendLine(e.Traceback.Length > 0 ? e.Traceback.TrimEnd() : $"{e.Type}: {e.Message}");
        }

        if (run.Outputs.Count > 0)
        {
            sb.Append("outputs: ").AppendLine(string.Join(", ", run.Outputs.Select(o => o.Name is null ? o.Mime : $"{OutputContract.OutputDir}/{o.Name} ({o.Mime})")));
        }

        return sb.ToString().TrimEnd();
    }
}
