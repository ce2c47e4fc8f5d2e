// The repair loop: ask the model, extract the code block, check it, trial-run it in the sandbox with the data
// mounted, and on a missing block, a syntax error, a blocking finding or a failed run send the problem back to
// the model and try again, up to the attempt limit. Every attempt is returned with its check and run result. A trial
// run that stops at importing a package installed for the review panel only is "skipped", not failed: the server
// sandbox cannot import it, and the extension runs the code in the panel instead.
using System.Text;
using AgentCode.Sandbox;
using AgentCode.Server.Protocol;
using AgentCode.Server.Settings;

namespace AgentCode.Server.Generation;

/// <summary>Receives progress of a generation as it happens.</summary>
public interface IGenerationObserver
{
    /// <summary>A step began, e.g. "Attempt 2 of 3: checking".</summary>
    void OnStep(string message);

    /// <summary>A piece of the model's reply arrived.</summary>
    void OnToken(int attempt, string text);

    /// <summary>An attempt is finished.</summary>
    void OnAttemptDone(AttemptInfo attempt);
}

/// <summary>One generation request, already validated.</summary>
/// <param name="Prompt">What the user asked for.</param>
/// <param name="Context">Selection, active file and data files.</param>
/// <param name="MaxAttempts">Maximum model round trips.</param>
/// <param name="Endpoint">The model connection.</param>
/// <param name="Limits">Limits of each trial run.</param>
/// <param name="DisabledRules">Checker rules to ignore.</param>
/// <param name="History">Earlier attempts (reply and problem) replayed before the first new one; they count against <paramref name="MaxAttempts"/>.</param>
public sealed record GenerationRequest(
    string Prompt,
    GenerateContext? Context,
    int MaxAttempts,
    ModelEndpoint Endpoint,
    RunLimits Limits,
    IReadOnlySet<string> DisabledRules,
    IReadOnlyList<PreviousAttempt>? History = null);

/// <summary>Runs the generate, check, trial-run and repair loop.</summary>
public sealed class GenerationService(ChatModelClient model, IPythonChecker checker, IPythonSandbox sandbox)
{
    private const int MaxFeedbackChars = 6000;

    /// <summary>
    /// Generates code for <paramref name="request"/>. Model failures end the loop and are reported in the result with
    /// every attempt so far; only cancellation throws.
    /// </summary>
    public async Task<GenerateResult> GenerateAsync(GenerationRequest request, IGenerationObserver observer, CancellationToken cancellationToken)
    {
        var attempts = new List<AttemptInfo>();
        var panelPackages = (request.Context?.PanelPackages ?? []).Select(p => new PanelPackage(p.Name, p.Version, p.Imports)).ToList();
        var panelImports = panelPackages.SelectMany(p => p.Imports).ToHashSet(StringComparer.Ordinal);
        var turns = new List<ChatTurn>
        {
            new("system", PromptBuilder.SystemFor(panelPackages)),
            new("user", PromptBuilder.User(request.Prompt, request.Context)),
        };
        var history = request.History ?? [];
        foreach (var previous in history)
        {
            turns.Add(new("assistant", previous.Reply));
            turns.Add(new("user", PromptBuilder.Repair(previous.Problem)));
        }
        var mounts = (request.Context?.DataFiles ?? []).Select(p => new DataMount(Path.GetFullPath(p))).ToList();
        for (var n = history.Count + 1; n <= request.MaxAttempts; n++)
        {
            var prefix = $"Attempt {n} of {request.MaxAttempts}";
            observer.OnStep($"{prefix}: asking {request.Endpoint.Model}");
            var attempt = n;
            var reply = await model.CompleteAsync(request.Endpoint, turns, t => observer.OnToken(attempt, t), cancellationToken).ConfigureAwait(false);
            if (reply is ModelReply.Failure failure)
            {
                var partialCode = CodeExtractor.Extract(failure.PartialText);
                var failed = new AttemptInfo(n, failure.PartialText, partialCode, null, null, new GenerationErrorInfo(failure.Kind, failure.Message));
                attempts.Add(failed);
                observer.OnAttemptDone(failed);
                return Result(request, attempts, failed.Error);
            }
            var text = ((ModelReply.Success)reply).Text;
            turns.Add(new("assistant", text));
            var code = CodeExtractor.Extract(text);
            if (code is null)
            {
                Finish(new AttemptInfo(n, text, null, null, null,
                    new GenerationErrorInfo(GenerationErrorKinds.NoCode, "The model's reply had no ```python code block.")));
                turns.Add(new("user", PromptBuilder.NoCode));
                continue;
            }

            observer.OnStep($"{prefix}: checking");
            var check = await checker.CheckAsync(code, cancellationToken).ConfigureAwait(false);
            var checkInfo = ProtocolMapping.ToInfo(check, request.DisabledRules);
            if (checkInfo.Blocking)
            {
                var kind = checkInfo.SyntaxErrors.Count > 0 ? GenerationErrorKinds.Syntax : GenerationErrorKinds.Blocked;
                var problem = DescribeCheck(checkInfo);
                Finish(new AttemptInfo(n, text, code, checkInfo, null, new GenerationErrorInfo(kind, FirstLine(problem))));
                turns.Add(new("user", PromptBuilder.Repair(problem)));
                continue;
            }

            observer.OnStep($"{prefix}: trial run in the sandbox");
            var run = await sandbox.RunAsync(new RunRequest(code, mounts, request.Limits), cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            var runInfo = ProtocolMapping.ToInfo(run);
            if (PanelOnlyImport(run, panelImports) is { } module)
            {
                runInfo = runInfo with { Status = SkippedStatus, Message = $"skipped: needs {module} (panel only)" };
                observer.OnStep($"{prefix}: trial run skipped (needs {module}, installed in the panel only)");
            }
            if (run.Status == RunStatus.Ok || runInfo.Status == SkippedStatus)
            {
                var ok = new AttemptInfo(n, text, code, checkInfo, runInfo, null);
                attempts.Add(ok);
                observer.OnAttemptDone(ok);
                return new GenerateResult(request.Prompt, request.Endpoint.Model, attempts, new FinalInfo(code, true), null);
            }
            var runProblem = DescribeRun(run);
            Finish(new AttemptInfo(n, text, code, checkInfo, runInfo, new GenerationErrorInfo(RunKind(run.Status), FirstLine(runProblem))));
            turns.Add(new("user", PromptBuilder.Repair(runProblem)));
        }
        return Result(request, attempts, new GenerationErrorInfo(GenerationErrorKinds.AttemptsExhausted,
            $"No attempt passed its check and trial run in {request.MaxAttempts} attempt(s): {Causes(attempts)}. The last attempt's code is kept."));

        void Finish(AttemptInfo a)
        {
            attempts.Add(a);
            observer.OnAttemptDone(a);
        }
    }

    /// <summary>The run status of a trial run skipped because the code needs a package installed in the panel only.</summary>
    public const string SkippedStatus = "skipped";

    /// <summary>The top-level module a failed run could not import, when it is one of the panel's installed packages.</summary>
    private static string? PanelOnlyImport(RunResult run, HashSet<string> panelImports)
    {
        if (run.Status != RunStatus.Error || run.Error is not { Type: "ModuleNotFoundError" } e || panelImports.Count == 0)
        {
            return null;
        }
        var top = MissingModule(e.Message)?.Split('.')[0];
        return top is not null && panelImports.Contains(top) ? top : null;
    }

    private static GenerateResult Result(GenerationRequest request, List<AttemptInfo> attempts, GenerationErrorInfo? error)
    {
        var lastCode = attempts.LastOrDefault(a => a.Code is not null)?.Code;
        return new GenerateResult(request.Prompt, request.Endpoint.Model, attempts, new FinalInfo(lastCode, false), error);
    }

    /// <summary>Why each attempt went back to the model, in order: "attempt 1: NameError: ...; attempt 2: ...".</summary>
    private static string Causes(IEnumerable<AttemptInfo> attempts) =>
        string.Join("; ", attempts.Select(a => $"attempt {a.Attempt}: {Shorten(a.Error?.Message ?? "no error")}"));

    private static string Shorten(string s) => s.Length > 200 ? s[..200] + "…" : s;

    private static string RunKind(RunStatus status) => status switch
    {
        RunStatus.Timeout => GenerationErrorKinds.RunTimeout,
        RunStatus.Memory => GenerationErrorKinds.Memory,
        RunStatus.OutputLimit => GenerationErrorKinds.OutputLimit,
        _ => GenerationErrorKinds.Runtime,
    };

    private static string DescribeCheck(CheckResultInfo check)
    {
        var b = new StringBuilder();
        foreach (var s in check.SyntaxErrors)
        {
            b.Append($"SyntaxError at line {s.Range.Start.Line + 1}: {s.Message}\n");
        }
        foreach (var f in check.Findings.Where(f => f.Severity == "error"))
        {
            b.Append($"Policy {f.RuleId} at line {f.Range.Start.Line + 1}: {f.Message}\n");
        }
        return b.ToString().TrimEnd();
    }

    private static string DescribeRun(RunResult run)
    {
        var b = new StringBuilder();
        if (run.Error is { } e)
        {
            b.Append(Tail(e.Traceback.Length > 0 ? e.Traceback : $"{e.Type}: {e.Message}")).Append('\n');
            if (e.Type == "ModuleNotFoundError" && CapabilityCard.MissingModuleAdvice(MissingModule(e.Message)) is { } advice)
            {
                b.Append('\n').Append(advice).Append('\n');
            }
        }
        else
        {
            if (run.Message is { Length: > 0 } m)
            {
                b.Append(m).Append('\n');
            }
            if (run.Stderr.Length > 0)
            {
                b.Append("stderr:\n").Append(Tail(run.Stderr)).Append('\n');
            }
        }
        if (b.Length == 0)
        {
            b.Append("The run ended with status ").Append(ProtocolMapping.ToWire(run.Status)).Append('.');
        }
        return b.ToString().TrimEnd();
    }

    /// <summary>The module name of a ModuleNotFoundError message ("No module named 'numpy'").</summary>
    private static string? MissingModule(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, "No module named '([^']+)'");
        return match.Success ? match.Groups[1].Value : null;
    }

    private static string Tail(string s) => s.Length > MaxFeedbackChars ? "..." + s[^MaxFeedbackChars..] : s;

    private static string FirstLine(string s)
    {
        var lines = s.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // For a traceback the last line names the exception; for findings the first line is the most relevant.
        return lines.Length == 0 ? s : lines[0].StartsWith("Traceback", StringComparison.Ordinal) ? lines[^1].Trim() : lines[0].Trim();
    }
}
