// Every custom agentcode/* request with its params and result records: the one typed definition of the
// server <-> extension boundary beyond the standard LSP. docs/protocol.md describes the same shapes, and a test
// fails when a method here is missing there; extension/src/lsp_ext.ts mirrors this file.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentCode.Server.Protocol;

/// <summary>Names of the custom requests, and of the client-side command the code lenses invoke.</summary>
public static class AgentCodeMethods
{
    /// <summary>Check Python source: syntax errors and policy findings.</summary>
    public const string Check = "agentcode/check";
    /// <summary>Run Python source in the sandbox.</summary>
    public const string Run = "agentcode/run";
    /// <summary>Generate Python with the model, checked and trial-run, repaired on failure.</summary>
    public const string Generate = "agentcode/generate";
    /// <summary>Client command behind the "Run in sandbox" code lens (implemented by the extension).</summary>
    public const string RunCellCommand = "agentcode.runCell";
}

/// <summary>
/// Stable JSON-RPC error codes of expected failures: the standard codes where one fits, else the
/// implementation-defined server range (-32099 to -32000) outside the codes LSP gives a meaning (-32002, -32001).
/// </summary>
public static class AgentCodeErrorCodes
{
    /// <summary>Settings are missing or wrong (no API key, malformed base URL).</summary>
    public const int Configuration = -32001;
    /// <summary>
    /// JSON-RPC InvalidParams: the request named something that is not there (no code and no open document, missing
    /// data file), its params do not fit the method, or its program is over the input size limit.
    /// </summary>
    public const int BadInput = -32602;
    /// <summary>The sandbox could not start (python.wasm missing or unloadable).</summary>
    public const int SandboxUnavailable = -32003;
    /// <summary>The run queue is full: too many runs are waiting; try again when some have finished.</summary>
    public const int Busy = -32004;
    /// <summary>Standard LSP code for a request the client cancelled.</summary>
    public const int RequestCancelled = -32800;
}

/// <summary>Params of <c>agentcode/check</c>: the code, or the URI of an open document.</summary>
public sealed record CheckParams(string? Code = null, string? Uri = null);

/// <summary>A syntax error.</summary>
public sealed record SyntaxErrorInfo(string Message, LspRange Range);

/// <summary>A policy finding; severity is "error", "warning" or "info".</summary>
public sealed record FindingInfo(string RuleId, string Severity, LspRange Range, string Message);

/// <summary>What a program will touch (the panel shows it before Run): /data paths it names, /output, imports.</summary>
/// <param name="Reads">Paths under <c>/data</c> the program names, in source order.</param>
/// <param name="WritesOutput">Whether it names a path under <c>/output</c>.</param>
/// <param name="Imports">Top-level modules it imports, sorted.</param>
public sealed record CapabilitiesInfo(IReadOnlyList<string> Reads, bool WritesOutput, IReadOnlyList<string> Imports);

/// <summary>Result of <c>agentcode/check</c>.</summary>
/// <param name="SyntaxErrors">Syntax errors from CPython's parser.</param>
/// <param name="Findings">Policy findings, without the rules disabled in settings.</param>
/// <param name="Blocking">True when a syntax error or an error-severity finding is present.</param>
/// <param name="Capabilities">What the program will touch; absent when it did not parse.</param>
public sealed record CheckResultInfo(IReadOnlyList<SyntaxErrorInfo> SyntaxErrors, IReadOnlyList<FindingInfo> Findings, bool Blocking, CapabilitiesInfo? Capabilities = null);

/// <summary>Limits for one run; each field falls back to the <c>agentcode.sandbox</c> settings.</summary>
public sealed record RunLimitsParams(double? TimeoutSeconds = null, int? MemoryMb = null, int? OutputKb = null);

/// <summary>Params of <c>agentcode/run</c>.</summary>
/// <param name="Code">Source to run; when absent, the text of the open document <paramref name="Uri"/>.</param>
/// <param name="Uri">An open document to run when <paramref name="Code"/> is absent.</param>
/// <param name="Data">Host paths of files mounted read-only at <c>/data/NAME</c>.</param>
/// <param name="Limits">Optional limits.</param>
public sealed record RunParams(string? Code = null, string? Uri = null, IReadOnlyList<string>? Data = null, RunLimitsParams? Limits = null);

/// <summary>A Python exception raised by the program.</summary>
public sealed record PythonErrorInfo(string Type, string Message, string Traceback, int? Line);

/// <summary>One output of a run (the output contract, contract/contract.json): something displayed, or a file under /output.</summary>
/// <param name="Mime">The MIME type, e.g. <c>image/svg+xml</c> or <c>application/vnd.vegalite.v5+json</c>.</param>
/// <param name="Text">The content of text and JSON types.</param>
/// <param name="Base64">The content of binary types, as base64.</param>
/// <param name="Name">The file's path under /output; absent for displayed outputs.</param>
public sealed record RunOutputInfo(
    string Mime,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Text,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Base64,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name);

/// <summary>Result of <c>agentcode/run</c>.</summary>
/// <param name="Status">
/// "ok", "error", "timeout", "memory" or "output-limit"; in a generation's attempts also "skipped": the trial run
/// stopped at the import of a package installed for the review panel only, which the server sandbox cannot import.
/// </param>
/// <param name="Stdout">What the program wrote to stdout.</param>
/// <param name="Stderr">What the program wrote to stderr.</param>
/// <param name="Error">The program's exception, for "error".</param>
/// <param name="Message">A sentence describing a status other than "ok".</param>
/// <param name="ElapsedMs">Wall-clock time of the run.</param>
/// <param name="Outputs">What the program displayed, in order, then the files it wrote under /output.</param>
public sealed record RunResultInfo(string Status, string Stdout, string Stderr, PythonErrorInfo? Error, string? Message, double ElapsedMs, IReadOnlyList<RunOutputInfo> Outputs);

/// <summary>A document the user has open.</summary>
public sealed record ActiveFile(string Uri, string Text);

/// <summary>A package installed for the review panel only (its name in Pyodide's lock, version and import names).</summary>
public sealed record PanelPackageInfo(string Name, string Version, IReadOnlyList<string> Imports);

/// <summary>What the model is told besides the prompt.</summary>
/// <param name="Selection">Selected text in the editor.</param>
/// <param name="ActiveFile">The active editor's document.</param>
/// <param name="DataFiles">Host paths of data files; their schemas go into the prompt and they are mounted for the trial run.</param>
/// <param name="PanelPackages">
/// Packages installed for the review panel only: the capability card names them, and a trial run that stops at
/// importing one is reported as "skipped" instead of failing.
/// </param>
public sealed record GenerateContext(
    string? Selection = null,
    ActiveFile? ActiveFile = null,
    IReadOnlyList<string>? DataFiles = null,
    IReadOnlyList<PanelPackageInfo>? PanelPackages = null);

/// <summary>Params of <c>agentcode/generate</c>.</summary>
/// <param name="Prompt">What the user asked for.</param>
/// <param name="Context">Optional context.</param>
/// <param name="MaxAttempts">Overrides <c>agentcode.generate.maxAttempts</c>.</param>
/// <param name="WorkDoneToken">When present, <c>$/progress</c> begin/report/end are sent with it.</param>
/// <param name="PartialResultToken">When present, streamed tokens and finished attempts are sent with it.</param>
/// <param name="History">
/// Earlier attempts of this generation that failed after the server's last answer, e.g. code whose trial run was
/// skipped and which then failed in the review panel: replayed to the model as its replies and repair requests, and
/// counted against the attempt limit, so the model sees the same history as for a failed trial run.
/// </param>
public sealed record GenerateParams(
    string? Prompt = null,
    GenerateContext? Context = null,
    int? MaxAttempts = null,
    JsonElement? WorkDoneToken = null,
    JsonElement? PartialResultToken = null,
    IReadOnlyList<PreviousAttempt>? History = null);

/// <summary>An earlier attempt: the model's reply and what went wrong with its code (a traceback, a sentence).</summary>
public sealed record PreviousAttempt(string Reply, string Problem);

/// <summary>Why an attempt or the whole generation failed. <c>kind</c> is stable; <c>message</c> is for people.</summary>
public sealed record GenerationErrorInfo(string Kind, string Message);

/// <summary>One round trip to the model and what became of its code.</summary>
/// <param name="Attempt">1-based attempt number.</param>
/// <param name="Reply">The model's full reply (or as much as arrived).</param>
/// <param name="Code">The extracted code block, if any.</param>
/// <param name="Check">Checker result of <paramref name="Code"/>.</param>
/// <param name="Run">Trial-run result, when the check did not block.</param>
/// <param name="Error">Why this attempt failed, if it did.</param>
public sealed record AttemptInfo(int Attempt, string Reply, string? Code, CheckResultInfo? Check, RunResultInfo? Run, GenerationErrorInfo? Error);

/// <summary>The outcome: the last code produced and whether it passed its check and trial run.</summary>
public sealed record FinalInfo(string? Code, bool Ok);

/// <summary>Result of <c>agentcode/generate</c>. Failures of the model call are reported here, not as RPC errors, so nothing is lost.</summary>
/// <param name="Prompt">The user's prompt, echoed back.</param>
/// <param name="Model">The model asked.</param>
/// <param name="Attempts">Every attempt in order.</param>
/// <param name="Final">The outcome.</param>
/// <param name="Error">Why generation stopped without success, if it did.</param>
public sealed record GenerateResult(string Prompt, string Model, IReadOnlyList<AttemptInfo> Attempts, FinalInfo Final, GenerationErrorInfo? Error);

/// <summary><c>$/progress</c> value sent with the partialResultToken for each streamed piece of a reply.</summary>
public sealed record TokenChunk(int Attempt, string Text)
{
    /// <summary>Always "token".</summary>
    public string Kind { get; } = "token";
}

/// <summary><c>$/progress</c> value sent with the partialResultToken when an attempt is finished.</summary>
public sealed record AttemptDone(AttemptInfo Result)
{
    /// <summary>Always "attempt".</summary>
    public string Kind { get; } = "attempt";
}
