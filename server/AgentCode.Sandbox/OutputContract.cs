// The server's view of the output contract (contract/contract.json and contract/agentcode_contract.py at the
// repository root, embedded here and bundled into the panel too): the caps, the MIME types a run may produce, and
// the Python source runner.py loads. Nothing here restates a value of contract.json; it only reads it.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentCode.Sandbox;

/// <summary>How an output's content is carried: plain text, JSON text, or base64 bytes.</summary>
public enum OutputEncoding
{
    /// <summary>UTF-8 text in <see cref="RunOutput.Text"/>.</summary>
    Text,
    /// <summary>A JSON document as text in <see cref="RunOutput.Text"/>.</summary>
    Json,
    /// <summary>Bytes as base64 in <see cref="RunOutput.Base64"/>.</summary>
    Base64,
}

/// <summary>One MIME type of the contract, in preference order.</summary>
/// <param name="Mime">The MIME type, e.g. <c>image/png</c>.</param>
/// <param name="Encoding">How its content is carried.</param>
/// <param name="Kind">What it is: <c>vega-lite</c>, <c>html</c>, <c>image</c>, <c>markdown</c>, <c>json</c> or <c>text</c>.</param>
public sealed record OutputMimeType(string Mime, OutputEncoding Encoding, string Kind);

/// <summary>The output contract shared by both sandboxes and the capability card.</summary>
public static class OutputContract
{
    private static readonly Lazy<JsonObject> Json = new(() =>
        JsonNode.Parse(PythonResources.LoadContract("contract.json"))?.AsObject() ?? throw new InvalidOperationException("contract.json is empty."));

    private static readonly Lazy<IReadOnlyList<OutputMimeType>> Types = new(() =>
        [.. Json.Value["mimeTypes"]!.AsArray().Select(t => new OutputMimeType(
            (string)t!["mime"]!,
            (string)t["encoding"]! switch { "text" => OutputEncoding.Text, "json" => OutputEncoding.Json, _ => OutputEncoding.Base64 },
            (string)t["kind"]!))]);

    /// <summary>The contract's Python module (display API, execute, collect), loaded by runner.py.</summary>
    public static string PythonSource { get; } = PythonResources.LoadContract("agentcode_contract.py");

    /// <summary>The Python version both runtimes promise (the server's interpreter; the panel's is newer).</summary>
    public static string PythonVersion => (string)Json.Value["pythonVersion"]!;

    /// <summary>Where data files are mounted read-only.</summary>
    public static string DataDir => (string)Json.Value["dataDir"]!;

    /// <summary>The writable folder whose files become outputs.</summary>
    public static string OutputDir => (string)Json.Value["outputDir"]!;

    /// <summary>Default cap on the bytes of all outputs of one run.</summary>
    public static long OutputBytes => (long)Json.Value["caps"]!["outputBytes"]!;

    /// <summary>Default cap on the number of files under the output folder.</summary>
    public static int OutputFiles => (int)Json.Value["caps"]!["outputFiles"]!;

    /// <summary>Cap on the number of display() outputs of one run.</summary>
    public static int DisplayCount => (int)Json.Value["caps"]!["displayCount"]!;

    /// <summary>The MIME types a run may produce, richest first (the order a bundle's type is chosen in).</summary>
    public static IReadOnlyList<OutputMimeType> MimeTypes => Types.Value;

    /// <summary>The names of the display API (<c>display</c>, <c>HTML</c>, ...).</summary>
    public static IReadOnlyList<string> DisplayApi => [.. Json.Value["displayApi"]!.AsArray().Select(n => (string)n!)];

    /// <summary>File extensions and the MIME type a file with that ending under /output becomes, in contract order.</summary>
    public static IReadOnlyList<(string Extension, string Mime)> FileTypes =>
        [.. Json.Value["fileTypes"]!.AsObject().Select(p => (p.Key, (string)p.Value!))];

    /// <summary>The MIME type of files that are none of the contract's types.</summary>
    public static string OtherFileMime => (string)Json.Value["otherFileMime"]!;

    /// <summary>The contract's type for a MIME name, or null when it is not one of the contract's.</summary>
    public static OutputMimeType? Find(string mime) => MimeTypes.FirstOrDefault(t => t.Mime == mime);

    /// <summary>Whether the MIME type is a Vega-Lite chart.</summary>
    public static bool IsVegaLite(string mime) => Find(mime)?.Kind == "vega-lite";

    /// <summary>contract.json as runner.py receives it, with the caps of this run.</summary>
    internal static JsonObject ForLimits(RunLimits limits)
    {
        var copy = Json.Value.DeepClone().AsObject();
        var caps = copy["caps"]!.AsObject();
        caps["outputBytes"] = limits.OutputBytes;
        caps["outputFiles"] = limits.OutputFiles;
        return copy;
    }

    /// <summary>
    /// The one JSON document runner.py reads from stdin: nonce, contract (its compiled code when there is one, else
    /// its source) and program.
    /// </summary>
    internal static string RunnerInput(string nonce, string code, RunLimits limits, string? contractCode) =>
        new JsonObject
        {
            ["nonce"] = nonce,
            [contractCode is null ? "contractSource" : "contractCode"] = contractCode ?? PythonSource,
            ["contract"] = ForLimits(limits),
            ["code"] = code,
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
