// The public shape of the sandbox: what a caller asks for and what it gets back. Results are values with a
// status, never exceptions, so a failed run is data that can be shown to a user or sent back to a model.
namespace AgentCode.Sandbox;

/// <summary>How a sandbox run ended.</summary>
public enum RunStatus
{
    /// <summary>The program ran to completion with exit code 0.</summary>
    Ok,
    /// <summary>The program raised an exception or exited with a non-zero code.</summary>
    Error,
    /// <summary>The wall-clock deadline passed, or the run was cancelled.</summary>
    Timeout,
    /// <summary>The program tried to grow its linear memory past the cap.</summary>
    Memory,
    /// <summary>The program wrote more to stdout, stderr or its outputs (display, /output) than allowed.</summary>
    OutputLimit,
}

/// <summary>Hard limits for one run. Immutable; use <c>with</c> to change a field.</summary>
/// <param name="Timeout">Wall-clock deadline for the whole run.</param>
/// <param name="MemoryBytes">Cap on the guest's linear memory.</param>
/// <param name="StdoutBytes">Cap on bytes written to stdout.</param>
/// <param name="StderrBytes">Cap on bytes written to stderr.</param>
public sealed record RunLimits(TimeSpan Timeout, long MemoryBytes, int StdoutBytes, int StderrBytes)
{
    /// <summary>Cap on the bytes of all outputs (displayed and written under /output); the contract's default is 32 MiB.</summary>
    public long OutputBytes { get; init; } = OutputContract.OutputBytes;

    /// <summary>Cap on the number of files under /output; the contract's default is 64.</summary>
    public int OutputFiles { get; init; } = OutputContract.OutputFiles;

    /// <summary>Defaults: 10 s, 256 MiB, 1 MiB of stdout, 256 KiB of stderr.</summary>
    public static RunLimits Default { get; } = new(TimeSpan.FromSeconds(10), 256L * 1024 * 1024, 1024 * 1024, 256 * 1024);
}

/// <summary>A host file or directory made visible read-only under <c>/data</c> in the guest.</summary>
/// <param name="HostPath">Absolute path on the host.</param>
/// <param name="GuestName">Name under <c>/data</c>; defaults to the host file name.</param>
public sealed record DataMount(string HostPath, string? GuestName = null)
{
    /// <summary>The name under <c>/data</c>: <see cref="GuestName"/>, else the host file or folder name.</summary>
    public string Name => GuestName ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(HostPath));
}

/// <summary>One run of a Python program.</summary>
/// <param name="Code">The program's source text.</param>
/// <param name="Data">Files mounted read-only at <c>/data</c>.</param>
/// <param name="Limits">Hard limits for the run.</param>
public sealed record RunRequest(string Code, IReadOnlyList<DataMount> Data, RunLimits Limits);

/// <summary>A Python exception as the guest reported it.</summary>
/// <param name="Type">Exception type name, e.g. <c>ZeroDivisionError</c>.</param>
/// <param name="Message">The exception's message.</param>
/// <param name="Traceback">The formatted traceback, limited to frames of the user's program.</param>
/// <param name="Line">1-based line in the user's program where it was raised, if known.</param>
public sealed record PythonError(string Type, string Message, string Traceback, int? Line);

/// <summary>One output of a run: something displayed, or a file written under /output.</summary>
/// <param name="Mime">Its MIME type, one of <see cref="OutputContract.MimeTypes"/> (or <see cref="OutputContract.OtherFileMime"/> for other files).</param>
/// <param name="Text">The content, for text and JSON types.</param>
/// <param name="Base64">The content as base64, for binary types.</param>
/// <param name="Name">The file's path under /output, for files; null for displayed outputs.</param>
public sealed record RunOutput(string Mime, string? Text, string? Base64, string? Name);

/// <summary>The outcome of one run.</summary>
/// <param name="Status">How the run ended.</param>
/// <param name="Stdout">What the program wrote to stdout (up to the cap).</param>
/// <param name="Stderr">What the program wrote to stderr (up to the cap).</param>
/// <param name="Error">The exception, for <see cref="RunStatus.Error"/>.</param>
/// <param name="Message">A sentence for the user describing a non-ok status.</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
public sealed record RunResult(
    RunStatus Status,
    string Stdout,
    string Stderr,
    PythonError? Error,
    string? Message,
    TimeSpan Elapsed)
{
    /// <summary>What the program displayed, in order, then the files it wrote under /output; empty when it was stopped.</summary>
    public IReadOnlyList<RunOutput> Outputs { get; init; } = [];
}

/// <summary>How much a checker finding matters.</summary>
public enum Severity
{
    /// <summary>Blocks acceptance unless the user overrides it.</summary>
    Error,
    /// <summary>Worth a look.</summary>
    Warning,
    /// <summary>For information.</summary>
    Info,
}

/// <summary>A 0-based, end-exclusive range in the source, in the LSP's convention (UTF-16 columns).</summary>
public sealed record SourceRange(int StartLine, int StartColumn, int EndLine, int EndColumn);

/// <summary>A syntax error reported by CPython's own parser.</summary>
public sealed record SyntaxProblem(string Message, SourceRange Range);

/// <summary>A policy finding from the AST analysis. Advisory: the sandbox is the boundary.</summary>
/// <param name="RuleId">Stable rule id, e.g. <c>AC101</c>.</param>
/// <param name="Severity">How much it matters.</param>
/// <param name="Range">Where in the source.</param>
/// <param name="Message">What was found and why it matters.</param>
public sealed record Finding(string RuleId, Severity Severity, SourceRange Range, string Message);

/// <summary>
/// What a program will touch, read from its AST before it runs (capabilities.py). Advisory like the findings: paths
/// built at run time are not seen.
/// </summary>
/// <param name="Reads">The paths under <c>/data</c> the program names, in source order (at most 50).</param>
/// <param name="WritesOutput">Whether the program names a path under <c>/output</c>, where a run's files are written.</param>
/// <param name="Imports">The top-level modules it imports, sorted.</param>
public sealed record CodeCapabilities(IReadOnlyList<string> Reads, bool WritesOutput, IReadOnlyList<string> Imports);

/// <summary>The outcome of checking a program.</summary>
/// <param name="SyntaxErrors">Syntax errors; when any are present the policy analysis did not run.</param>
/// <param name="Findings">Policy findings.</param>
/// <param name="Capabilities">What the program will touch; null when it did not parse or could not be checked.</param>
public sealed record CheckResult(IReadOnlyList<SyntaxProblem> SyntaxErrors, IReadOnlyList<Finding> Findings, CodeCapabilities? Capabilities = null)
{
    /// <summary>True when the program has a syntax error or a finding of severity error.</summary>
    public bool IsBlocking => SyntaxErrors.Count > 0 || Findings.Any(f => f.Severity == Severity.Error);

    /// <summary>This result without the findings of the given rule ids.</summary>
    public CheckResult WithoutRules(IReadOnlySet<string> disabledRules) =>
        this with { Findings = [.. Findings.Where(f => !disabledRules.Contains(f.RuleId))] };
}

/// <summary>Runs Python programs in a fresh WASI sandbox each time.</summary>
public interface IPythonSandbox
{
    /// <summary>Runs one program. Never throws for anything the program does; cancellation yields <see cref="RunStatus.Timeout"/>.</summary>
    Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken);
}

/// <summary>Which checker rules apply. Immutable.</summary>
/// <param name="DisabledRules">Rule ids (e.g. <c>AC103</c>) whose findings are dropped.</param>
public sealed record CheckPolicy(IReadOnlySet<string> DisabledRules)
{
    /// <summary>A policy that disables the given rule ids (case-insensitive).</summary>
    public static CheckPolicy Disabling(IEnumerable<string> ruleIds) =>
        new(new HashSet<string>(ruleIds, StringComparer.OrdinalIgnoreCase));
}

/// <summary>Checks Python source with CPython's parser and the policy analysis, inside the sandbox.</summary>
public interface IPythonChecker
{
    /// <summary>Checks one program with every rule enabled.</summary>
    Task<CheckResult> CheckAsync(string code, CancellationToken cancellationToken);

    /// <summary>Checks one program, dropping findings of the rules the policy disables.</summary>
    async Task<CheckResult> CheckAsync(string code, CheckPolicy policy, CancellationToken cancellationToken)
    {
        var result = await CheckAsync(code, cancellationToken).ConfigureAwait(false);
        return result.WithoutRules(policy.DisabledRules);
    }
}
