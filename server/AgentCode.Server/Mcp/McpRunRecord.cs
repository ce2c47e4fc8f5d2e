// The run record of the MCP server: one JSON line per tool call appended to a file (by default
// .agentcode/runs.jsonl under the working directory, as the extension's record in a workspace). The line has the
// extension's shape (extension/src/record/record.ts: time, event, cell, prompt, model, endpoint, codeSha256, findings,
// outputs, decision, error) plus "source": "mcp", the tool and the data paths. Writes are serialised; a failed
// write is logged to stderr and never fails the call.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCode.Sandbox;
using AgentCode.Server.Protocol;

namespace AgentCode.Server.Mcp;

/// <summary>Appends one line per MCP tool call to the run record file.</summary>
internal sealed class McpRunRecord(string? path, Action<string> log)
{
    private const int MaxText = 500;
    private readonly Lock _gate = new();

    /// <summary>The record file, or null when recording is off.</summary>
    public string? Path { get; } = path is null ? null : System.IO.Path.GetFullPath(path);

    /// <summary>Appends the line of one call.</summary>
    public void Append(string callId, string tool, string? code, IReadOnlyList<string> data, CheckResult? check, RunResult? run, string? error)
    {
        if (Path is null)
        {
            return;
        }

        var line = new JsonObject
        {
            ["time"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            ["event"] = tool == "check_python" ? "check" : tool == "run_python" ? "run" : "describe",
            ["cell"] = callId,
            ["prompt"] = "",
            ["model"] = null,
            ["endpoint"] = null,
            ["codeSha256"] = string.IsNullOrEmpty(code) ? null : Sha256(Encoding.UTF8.GetBytes(code)),
            ["findings"] = check is null ? new JsonArray() : new JsonArray([
                .. check.SyntaxErrors.Select(s => (JsonNode)new JsonObject { ["ruleId"] = "syntax", ["severity"] = "error", ["line"] = s.Range.StartLine }),
                .. check.Findings.Select(f => (JsonNode)new JsonObject { ["ruleId"] = f.RuleId, ["severity"] = ProtocolMapping.ToWire(f.Severity), ["line"] = f.Range.StartLine }),
            ]),
            ["outputs"] = run is null ? null : new JsonObject
            {
                ["status"] = ProtocolMapping.ToWire(run.Status),
                ["stdout"] = Clip(run.Stdout),
                ["stderr"] = Clip(run.Stderr),
                ["error"] = run.Error is { } e ? Clip(e.Traceback.Length > 0 ? e.Traceback : $"{e.Type}: {e.Message}") : run.Status == RunStatus.Ok ? null : Clip(run.Message ?? ""),
                ["items"] = new JsonArray([.. run.Outputs.Select(o => (JsonNode)new JsonObject { ["name"] = o.Name, ["mime"] = o.Mime, ["sha256"] = OutputSha256(o) })]),
                ["elapsedMs"] = Math.Round(run.Elapsed.TotalMilliseconds),
            },
            ["decision"] = null,
            ["error"] = error is null ? null : Clip(error),
            ["source"] = "mcp",
            ["tool"] = tool,
            ["data"] = new JsonArray([.. data.Select(d => (JsonNode)d)]),
        };
        var text = line.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        try
        {
            lock (_gate)
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                File.AppendAllText(Path, text, new UTF8Encoding(false));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log($"The run record {Path} could not be written: {ex.Message}");
        }
    }

    private static string Clip(string text) => text.Length <= MaxText ? text : text[..MaxText] + "…";

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string OutputSha256(RunOutput output) =>
        Sha256(output.Base64 is not null ? Convert.FromBase64String(output.Base64) : Encoding.UTF8.GetBytes(output.Text ?? ""));
}
