// The public entry point for running Python: owns the shared runtime (compiled lazily, once, thread-safe), runs
// each program in a fresh Store through the runner.py resource, and turns the guest's outcome into a RunResult.
// Safe to use from many threads at once; dispose it to free the native engine.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AgentCode.Sandbox;

/// <summary>Runs and checks Python programs in WASI CPython under Wasmtime. Thread-safe; dispose when done.</summary>
public sealed class PythonSandbox : IPythonSandbox, IDisposable
{
    private const string ResultMarker = "\u001eAGENTCODE-RESULT ";

    private readonly Lazy<PythonRuntime> _runtime;
    private readonly Lazy<string?> _contractCode;
    private readonly string _runnerSource = PythonResources.Load("runner.py");
    private readonly SemaphoreSlim _workerGate = new(1, 1);
    private CheckWorker? _worker;
    private bool _disposed;

    private PythonSandbox(SandboxOptions options, EpochSettings epoch)
    {
        Options = options;
        _runtime = new Lazy<PythonRuntime>(() => PythonRuntime.Load(options, epoch), LazyThreadSafetyMode.ExecutionAndPublication);
        _contractCode = new Lazy<string?>(() => ContractBytecode.Load(this, Runtime), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The options this sandbox was built with.</summary>
    public SandboxOptions Options { get; }

    /// <summary>Creates a sandbox; python.wasm is compiled (or loaded from the cache) on first use or by <see cref="WarmUp"/>.</summary>
    public static PythonSandbox Create(SandboxOptions options) => new(options, EpochSettings.Default);

    /// <summary>Creates a sandbox with <see cref="SandboxOptions.FromEnvironment"/>.</summary>
    public static PythonSandbox Create() => new(SandboxOptions.FromEnvironment(), EpochSettings.Default);

    /// <summary>Creates a sandbox whose guests are interrupted as <paramref name="epoch"/> says (benchmarks compare settings).</summary>
    internal static PythonSandbox Create(SandboxOptions options, EpochSettings epoch) => new(options, epoch);

    /// <summary>
    /// Loads the compiled module (and the pre-initialized interpreter, when there is one) now rather than on the first
    /// run. Throws <see cref="SandboxUnavailableException"/>.
    /// </summary>
    public void WarmUp()
    {
        _ = Runtime.Module;
        _ = Runtime.Snapshot;
    }

    /// <summary>Whether the compiled module was loaded from the disk cache (after <see cref="WarmUp"/>).</summary>
    public bool LoadedFromCache => _runtime.IsValueCreated && _runtime.Value.LoadedFromCache;

    internal PythonRuntime Runtime
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _runtime.Value;
        }
    }

    /// <inheritdoc/>
    public Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.Factory.StartNew(
            () => Run(request, cancellationToken),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <summary>Runs python.wasm with the given arguments and stdin; used by the checker and the runner.</summary>
    internal GuestOutcome Execute(IReadOnlyList<string> args, string stdin, IReadOnlyList<DataMount> data, RunLimits limits, int stderrReserve, CancellationToken cancellationToken, bool withOutputDir = false) =>
        GuestRun.Execute(Runtime, new GuestInvocation(args, Encoding.UTF8.GetBytes(stdin), data, limits, stderrReserve, withOutputDir), cancellationToken);

    /// <summary>Room on stderr for the result record: its own 64 KiB plus the outputs as base64 within their cap.</summary>
    private static int ResultReserve(RunLimits limits) => (int)Math.Min(int.MaxValue / 2, (64 * 1024) + (limits.OutputBytes * 4 / 3) + (limits.OutputFiles * 1024L) + (OutputContract.DisplayCount * 256L));

    /// <summary>
    /// Checks through the long-lived checker instance; null when it is busy with another check or failed, in which
    /// case the caller runs a one-shot check instead.
    /// </summary>
    internal byte[]? TryCheckWithWorker(string checkSource, string code, RunLimits limits, CancellationToken cancellationToken)
    {
        if (!_workerGate.Wait(0, CancellationToken.None))
        {
            return null;
        }

        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_worker is null || _worker.IsDead)
            {
                // Compiled (or loaded) before the worker's first check starts its clock, as for any guest.
                _ = Runtime.Module;
                _worker?.Dispose();
                _worker = CheckWorker.TryStart(Runtime, checkSource, limits);
            }

            return _worker?.Check(code, limits.Timeout, cancellationToken);
        }
        finally
        {
            _workerGate.Release();
        }
    }

    /// <summary>The interpreter flags every run uses: isolated (-I: no env, no user site), no site import (-S), no bytecode writes (-B), UTF-8 mode.</summary>
    internal static IReadOnlyList<string> InterpreterArgs(string script, params string[] rest) =>
        ["python", "-I", "-S", "-B", "-X", "utf8", "-c", script, .. rest];

    private RunResult Run(RunRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        GuestOutcome outcome;
        try
        {
            outcome = Execute(InterpreterArgs(_runnerSource), OutputContract.RunnerInput(nonce, request.Code, request.Limits, _contractCode.Value), request.Data, request.Limits, ResultReserve(request.Limits), cancellationToken, withOutputDir: true);
        }
        catch (Exception ex) when (ex is FileNotFoundException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            return new RunResult(RunStatus.Error, "", "", null, $"The run could not start: {ex.Message}", started.Elapsed);
        }

        var result = Interpret(outcome, nonce, request.Limits);
        return result.Status == RunStatus.Ok ? RunOutputs.CheckCharts(result, request.Data) : result;
    }

    private static RunResult Interpret(GuestOutcome outcome, string nonce, RunLimits limits)
    {
        var stdout = Decode(outcome.Stdout);
        var (stderrBytes, record) = SplitResult(outcome.Stderr, nonce);
        var stderr = Decode(stderrBytes.Length > limits.StderrBytes ? stderrBytes[..limits.StderrBytes] : stderrBytes);
        var elapsed = outcome.Elapsed;

        var outputs = RunOutputs.FromRecord(record?.Outputs);
        RunResult With(RunStatus status, PythonError? error, string? message) => new(status, stdout, stderr, error, message, elapsed) { Outputs = outputs };

        switch (outcome.Stop)
        {
            case StopReason.Deadline:
                return With(RunStatus.Timeout, null, $"The program was stopped after {limits.Timeout.TotalSeconds:0.##} s (the time limit).");
            case StopReason.Cancelled:
                return With(RunStatus.Timeout, null, "The run was cancelled.");
            case StopReason.OutputLimit:
                return With(RunStatus.OutputLimit, null, $"The program wrote more than the output limit ({limits.StdoutBytes / 1024} KiB stdout, {limits.StderrBytes / 1024} KiB stderr) and was stopped.");
            case StopReason.OutputDirLimit:
                // Stryker disable once String : the /output watch sets its message before it stops the run, so the fallback is never used.
                return With(RunStatus.OutputLimit, null, outcome.StopMessage ?? $"The program wrote more under {OutputContract.OutputDir} than its caps allow and was stopped.");
        }

        if (stderrBytes.Length > limits.StderrBytes)
        {
            return With(RunStatus.OutputLimit, null, $"The program wrote more than {limits.StderrBytes / 1024} KiB to stderr.");
        }

        if (outcome.End == GuestEnd.StackOverflow)
        {
            return With(RunStatus.Error, new PythonError("RecursionError", "maximum recursion depth exceeded (the sandbox's stack overflowed)", "RecursionError: maximum recursion depth exceeded\n", null),
                "The program recursed too deeply and overflowed the sandbox's stack.");
        }

        // Only the host's own observation decides 'memory': the guest's memory reached the cap. A MemoryError the
        // program raised itself, or one CPython raised for a size it refuses without allocating, is an error.
        if (outcome.NearMemoryCap && (record is { Type: "MemoryError" } || outcome.End == GuestEnd.Trapped))
        {
            return With(RunStatus.Memory, record?.ToError(), $"The program ran out of memory (limit {limits.MemoryBytes / (1024 * 1024)} MiB).");
        }

        if (outcome.End == GuestEnd.Trapped)
        {
            return With(RunStatus.Error, null, $"The interpreter stopped abnormally ({outcome.TrapMessage}).");
        }

        if (record is null)
        {
            return outcome.ExitCode == 0
                ? With(RunStatus.Error, null, "The program ended without reporting a result (it may have closed stderr).")
                : With(RunStatus.Error, new PythonError("SystemExit", $"exit code {outcome.ExitCode}", "", null), $"The program exited with code {outcome.ExitCode}.");
        }

        if (record.Status != "ok")
        {
            return With(RunStatus.Error, record.ToError(), $"{record.Type}: {record.Message}");
        }

        if (record.OutputLimit is { } limitMessage)
        {
            return With(RunStatus.OutputLimit, null, limitMessage);
        }

        return record.OutputProblem is { } problem ? With(RunStatus.Error, null, problem) : With(RunStatus.Ok, null, null);
    }

    private static (byte[] Stderr, GuestRecord? Record) SplitResult(byte[] stderr, string nonce)
    {
        var marker = Encoding.UTF8.GetBytes("\n" + ResultMarker + nonce + " ");
        var at = stderr.AsSpan().LastIndexOf(marker);
        if (at < 0)
        {
            return (stderr, null);
        }

        // The record is one line; what follows it (an atexit handler's text) is the program's own stderr and is kept.
        var start = at + marker.Length;
        var newline = stderr.AsSpan(start).IndexOf((byte)'\n');
        var end = newline < 0 ? stderr.Length : start + newline;
        try
        {
            var record = JsonSerializer.Deserialize(stderr.AsSpan(start..end), GuestJson.Default.GuestRecord);
            var after = Math.Min(end + 1, stderr.Length);
            return ([.. stderr.AsSpan(..at), .. stderr.AsSpan(after)], record);
        }
        catch (JsonException)
        {
            return (stderr, null);
        }
    }

    private static string Decode(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _workerGate.Wait();
        _worker?.Dispose();
        _workerGate.Dispose();
        if (_runtime.IsValueCreated)
        {
            _runtime.Value.Dispose();
        }
    }
}
