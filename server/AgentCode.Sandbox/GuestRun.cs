// One execution of python.wasm (or of the pre-initialized reactor restored from its snapshot) in a fresh Store: no environment, argv as given, stdin from a per-run file,
// stdout/stderr captured by host callbacks with byte caps, only the data mounts preopened read-only at /data, a
// memory cap, and a stop signal (deadline, cancellation, output flood) enforced through the epoch callback and
// our interruptible sleep. Returns what happened as a value; interpreting Python's result is the caller's job.
using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Wasmtime;

namespace AgentCode.Sandbox;

/// <summary>Why the host stopped a run.</summary>
internal enum StopReason
{
    None,
    Deadline,
    Cancelled,
    OutputLimit,
    OutputDirLimit,
}

/// <summary>How the guest ended, as the host saw it.</summary>
internal enum GuestEnd
{
    Exited,
    Stopped,
    StackOverflow,
    Trapped,
}

/// <param name="Args">The interpreter's argv.</param>
/// <param name="Stdin">What the guest reads on stdin.</param>
/// <param name="Data">Read-only mounts under /data.</param>
/// <param name="Limits">Time, memory and output caps.</param>
/// <param name="StderrReserve">Extra stderr room for the runner's result record.</param>
/// <param name="WithOutputDir">Whether the guest gets a fresh writable /output, watched against the output caps.</param>
internal sealed record GuestInvocation(IReadOnlyList<string> Args, byte[] Stdin, IReadOnlyList<DataMount> Data, RunLimits Limits, int StderrReserve = 0, bool WithOutputDir = false);

internal sealed record GuestOutcome(
    GuestEnd End,
    StopReason Stop,
    int ExitCode,
    byte[] Stdout,
    byte[] Stderr,
    bool NearMemoryCap,
    string? TrapMessage,
    TimeSpan Elapsed,
    string? StopMessage = null);

/// <summary>Signalled when the guest must stop; read by the epoch callback and by sleeps.</summary>
internal sealed class GuestRunState : IDisposable
{
    private readonly ManualResetEventSlim _stopped = new(false);
    private int _reason;
    private Stopwatch? _clock;
    private TimeSpan _timeout = Timeout.InfiniteTimeSpan;

    public StopReason Reason => (StopReason)Volatile.Read(ref _reason);

    /// <summary>
    /// The run's time limit on its own clock, also checked on the guest's thread (each epoch tick, each sleep), so that
    /// the deadline does not wait for a thread-pool timer when the pool is busy.
    /// </summary>
    public void LimitTo(TimeSpan timeout, Stopwatch clock)
    {
        _timeout = timeout;
        _clock = clock;
    }

    /// <summary>Whether the guest may go on: not stopped, and its time limit not reached (which stops it).</summary>
    public bool GoOn()
    {
        if (_clock is not null && _clock.Elapsed >= _timeout)
        {
            Stop(StopReason.Deadline);
        }

        return Reason == StopReason.None;
    }

    private TimeSpan UntilDeadline => _clock is null ? TimeSpan.MaxValue : _timeout - _clock.Elapsed;

    public void Stop(StopReason reason)
    {
        if (Interlocked.CompareExchange(ref _reason, (int)reason, 0) == 0)
        {
            _stopped.Set();
        }
    }

    /// <summary>Sleeps for the guest, returning early (by trapping) when the run is stopped.</summary>
    public void Sleep(long nanoseconds)
    {
        // Waits in whole milliseconds, rounded up, against a deadline, so sub-millisecond remainders cannot spin.
        var clock = Stopwatch.StartNew();
        var total = TimeSpan.FromTicks(Math.Min(nanoseconds / 100, TimeSpan.MaxValue.Ticks / 2));
        while (clock.Elapsed < total)
        {
            var remaining = total - clock.Elapsed;
            var until = UntilDeadline;
            var remainingMs = Math.Ceiling((until < remaining ? until : remaining).TotalMilliseconds);
            if (_stopped.Wait((int)Math.Clamp(remainingMs, 1, 60_000)) || !GoOn())
            {
                throw new GuestStoppedException();
            }
        }

        if (!GoOn())
        {
            throw new GuestStoppedException();
        }
    }

    public void Dispose() => _stopped.Dispose();
}

/// <summary>Thrown inside host callbacks to end the guest; Wasmtime turns it into a trap.</summary>
internal sealed class GuestStoppedException : Exception
{
    public GuestStoppedException()
        : base("the run was stopped by the host")
    {
    }
}

/// <summary>Collects one output stream up to a cap; past it, stops the run and fails the guest's writes.</summary>
internal sealed class CappedOutput(int cap, GuestRunState state)
{
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly Lock _gate = new();

    public void Write(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            var room = cap - _buffer.WrittenCount;
            if (data.Length <= room)
            {
                _buffer.Write(data);
                return;
            }

            if (room > 0)
            {
                _buffer.Write(data[..room]);
            }
        }

        state.Stop(StopReason.OutputLimit);

        // Closing the stream makes every later guest write fail, so a flood costs the host nothing more.
        throw new GuestStoppedException();
    }

    public byte[] ToArray()
    {
        lock (_gate)
        {
            return _buffer.WrittenSpan.ToArray();
        }
    }
}

/// <summary>
/// Stops a run when its time limit has passed on the run's own clock. .NET timers follow a coarse clock and can fire
/// a few milliseconds early; a run stopped before its limit would then be reported as stopped "after 1 s" in 0.998 s,
/// so an early tick re-arms for what is left.
/// </summary>
internal sealed class Deadline : IDisposable
{
    private readonly TimeSpan _timeout;
    private readonly Stopwatch _clock;
    private readonly GuestRunState _state;
    private readonly Timer _timer;

    private Deadline(TimeSpan timeout, Stopwatch clock, GuestRunState state)
    {
        _timeout = timeout;
        _clock = clock;
        _state = state;
        _timer = new Timer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public static Deadline Start(TimeSpan timeout, Stopwatch clock, GuestRunState state)
    {
        var deadline = new Deadline(timeout, clock, state);
        deadline.Arm(timeout - clock.Elapsed);
        return deadline;
    }

    private void Fire()
    {
        var left = _timeout - _clock.Elapsed;
        if (left > TimeSpan.Zero)
        {
            Arm(left);
            return;
        }

        _state.Stop(StopReason.Deadline);
    }

    private void Arm(TimeSpan wait)
    {
        // Whole milliseconds, rounded up, so a re-armed tick is never early again by a fraction.
        var ms = Math.Clamp(Math.Ceiling(wait.TotalMilliseconds), 1, uint.MaxValue - 1);
        try
        {
            _timer.Change(TimeSpan.FromMilliseconds(ms), Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The run ended while the timer fired.
        }
    }

    public void Dispose() => _timer.Dispose();
}

internal static class GuestRun
{
    public static GuestOutcome Execute(PythonRuntime runtime, GuestInvocation invocation, CancellationToken cancellationToken)
    {
        // The pre-initialized interpreter is prepared once per process before any run's clock starts: its start-up is
        // not the program's time, and a stop or deadline could not reach it.
        var snapshot = invocation.WithOutputDir && IsSandboxCommandLine(invocation.Args) ? runtime.Snapshot : null;
        // So is the module itself: on a cold cache its compilation takes seconds (longer than a check's deadline on
        // a busy machine), and it is the same for every guest.
        var module = snapshot is null ? runtime.Module : null;
        var clock = Stopwatch.StartNew();
        var limits = invocation.Limits;
        using var state = new GuestRunState();
        state.LimitTo(limits.Timeout, clock);
        using var deadline = Deadline.Start(limits.Timeout, clock, state);
        using var onCancel = cancellationToken.Register(() => state.Stop(StopReason.Cancelled));
        var stdout = new CappedOutput(limits.StdoutBytes, state);
        var stderr = new CappedOutput(limits.StderrBytes + invocation.StderrReserve, state);
        var workDir = Directory.CreateTempSubdirectory("agentcode-run-");
        try
        {
            var stdinPath = Path.Combine(workDir.FullName, "stdin");
            File.WriteAllBytes(stdinPath, invocation.Stdin);
            var dataDir = Directory.CreateDirectory(Path.Combine(workDir.FullName, "data"));

            var wasi = new WasiConfiguration()
                .WithArgs(invocation.Args)
                .WithStandardInput(stdinPath)
                .WithStandardOutputCallback(stdout.Write)
                .WithStandardErrorCallback(stderr.Write);
            var folders = DataMounts.Prepare(invocation.Data, dataDir.FullName);
            using var outputWatch = invocation.WithOutputDir ? OutputDirWatch.Start(Path.Combine(workDir.FullName, "output"), limits, state) : null;
            if (snapshot is not null)
            {
                // The snapshot's preopen table expects the library, /data and /output first, in this order.
                wasi = PythonSnapshot.Preopen(runtime, wasi, dataDir.FullName, outputWatch!.Directory);
            }
            else
            {
                wasi = wasi.WithPreopenedDirectory(dataDir.FullName, "/data", mutable: false);
                if (outputWatch is not null)
                {
                    wasi = wasi.WithPreopenedDirectory(outputWatch.Directory, OutputContract.OutputDir, mutable: true);
                }
            }

            foreach (var (host, guest) in folders)
            {
                wasi = wasi.WithPreopenedDirectory(host, guest, mutable: false);
            }

            using var store = runtime.CreateStore(state, wasi, limits.MemoryBytes, withLibrary: snapshot is null);

            Instance? instance = null;
            var end = GuestEnd.Exited;
            var exitCode = 0;
            string? trap = null;
            try
            {
                if (state.Reason == StopReason.None && snapshot is not null)
                {
                    instance = runtime.Linker.Instantiate(store, snapshot.Reactor);
                    snapshot.Restore(instance);
                    exitCode = instance.GetFunction<int>("agentcode_run")!();
                }
                else if (state.Reason == StopReason.None)
                {
                    instance = runtime.Linker.Instantiate(store, module!);
                    var start = instance.GetAction("_start") ?? throw new SandboxUnavailableException("python.wasm has no _start export.");
                    start();
                }
            }
            catch (WasmtimeException ex) when (ex.ExitCode is { } code && state.Reason == StopReason.None)
            {
                exitCode = code;
            }
            catch (TrapException ex) when (IsStackOverflow(ex) && state.Reason == StopReason.None)
            {
                end = GuestEnd.StackOverflow;
                trap = Cause(ex.Message);
            }
            catch (WasmtimeException ex)
            {
                end = GuestEnd.Trapped; // a stopped run is marked Stopped just below
                trap = Cause(ex.Message);
            }

            if (state.Reason != StopReason.None)
            {
                end = GuestEnd.Stopped;
            }

            var nearCap = false;
            try
            {
                var memory = instance?.GetMemory("memory");
                nearCap = memory is not null && memory.GetLength() + (4L * 1024 * 1024) >= limits.MemoryBytes;
            }
            catch (WasmtimeException)
            {
                // The store is unusable after some traps; the memory figure is only a hint.
            }

            return new GuestOutcome(end, state.Reason, exitCode, stdout.ToArray(), stderr.ToArray(), nearCap, trap, clock.Elapsed, outputWatch?.Reason);
        }
        finally
        {
            try
            {
                workDir.Delete(recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A leftover temp directory is harmless and the OS cleans /tmp.
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="args"/> is the command line every program run uses (PythonSandbox.InterpreterArgs with
    /// a script), the one the pre-initialized interpreter was started for; other invocations start python.wasm.
    /// </summary>
    private static bool IsSandboxCommandLine(IReadOnlyList<string> args)
    {
        var flags = PythonSandbox.InterpreterArgs("");
        if (args.Count < flags.Count)
        {
            return false;
        }

        for (var i = 0; i < flags.Count - 1; i++)
        {
            if (args[i] != flags[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether a trap is the guest's stack running out. python.wasm keeps its C stack at the bottom of its linear
    /// memory (wasi-sdk's stack-first layout), so C recursion past it (e.g. __getattr__ or __repr__ calling itself
    /// with the recursion limit lifted) runs below address 0 and traps as an out-of-bounds access; the engine's own
    /// stack overflow is the other form.
    /// </summary>
    private static bool IsStackOverflow(TrapException ex) => ex.Type is TrapCode.StackOverflow or TrapCode.MemoryOutOfBounds;

    /// <summary>
    /// The cause of a trap, as one line: Wasmtime's message opens with a wasm backtrace ("error while executing at
    /// wasm backtrace:" and one line per frame) and names the cause on its last line ("wasm trap: ...").
    /// </summary>
    private static string Cause(string message)
    {
        var last = message.TrimEnd().Split('\n')[^1].Trim();
        return last.StartsWith("wasm trap: ", StringComparison.Ordinal) ? last["wasm trap: ".Length..] : last;
    }
}

/// <summary>
/// Makes data mounts visible at /data: files are linked (or copied) into a per-run directory, which the caller preopens
/// at /data, and folders are returned for the caller to preopen at /data/&lt;name&gt;.
/// </summary>
internal static partial class DataMounts
{
    public static IReadOnlyList<(string Host, string Guest)> Prepare(IReadOnlyList<DataMount> mounts, string dataDir)
    {
        var folders = new List<(string Host, string Guest)>();
        foreach (var mount in mounts)
        {
            var name = mount.Name;
            if (string.IsNullOrEmpty(name) || name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{name}' is not a valid name under /data.", nameof(mounts));
            }

            if (Directory.Exists(mount.HostPath))
            {
                // An empty placeholder keeps the name listed in /data; the preopen below serves its contents.
                Directory.CreateDirectory(Path.Combine(dataDir, name));
                folders.Add((Path.GetFullPath(mount.HostPath), "/data/" + name));
            }
            else if (File.Exists(mount.HostPath))
            {
                LinkOrCopy(Path.GetFullPath(mount.HostPath), Path.Combine(dataDir, name));
            }
            else
            {
                throw new FileNotFoundException($"The data file '{mount.HostPath}' does not exist.", mount.HostPath);
            }
        }

        return folders;
    }

    private static void LinkOrCopy(string source, string target)
    {
        // A hard link is instant for big files; the guest cannot write through it because /data is read-only.
        if (!OperatingSystem.IsWindows() && Link(source, target) == 0)
        {
            return;
        }

        File.Copy(source, target);
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string source, string target);
}

/// <summary>
/// Watches a run's writable /output on the host. Wasmtime writes the guest's files directly, so the host cannot refuse
/// a single write; instead it measures the folder every few milliseconds and stops the run once it holds twice what
/// the caps allow, so a flood costs at most that plus what the guest writes between two looks. The exact caps (and
/// which one was passed) are applied by the contract's collect() when the program ends, as in the panel.
/// </summary>
internal sealed class OutputDirWatch : IDisposable
{
    private static readonly EnumerationOptions Everything = new()
    {
        RecurseSubdirectories = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
        IgnoreInaccessible = true,
    };

    private readonly RunLimits _limits;
    private readonly GuestRunState _state;
    private readonly Timer _timer;
    private int _busy;

    private OutputDirWatch(string directory, RunLimits limits, GuestRunState state)
    {
        Directory = directory;
        _limits = limits;
        _state = state;
        _timer = new Timer(_ => Look(), null, 5, 5);
    }

    /// <summary>The host folder mounted at /output.</summary>
    public string Directory { get; }

    /// <summary>Why the run was stopped, once it was.</summary>
    public string? Reason { get; private set; }

    public static OutputDirWatch Start(string directory, RunLimits limits, GuestRunState state)
    {
        System.IO.Directory.CreateDirectory(directory);
        return new OutputDirWatch(directory, limits, state);
    }

    private void Look()
    {
        // Stryker disable once Statement,Block : a look that overlaps a slow one only repeats its count (both see the same
        // folder and stop the run for the same cap); the guard saves that work, it does not change what is decided.
        if (Interlocked.Exchange(ref _busy, 1) == 1)
        {
            return;
        }

        try
        {
            long bytes = 0;
            var files = 0;
            foreach (var file in new DirectoryInfo(Directory).EnumerateFiles("*", Everything))
            {
                files++;
                bytes += file.Length;
                // Twice the caps: below that the contract's collect() applies the exact caps when the program ends, the
                // same way in both sandboxes; this only stops a flood.
                if (files > 2 * _limits.OutputFiles || bytes > 2 * _limits.OutputBytes)
                {
                    Reason = files > 2 * _limits.OutputFiles
                        ? $"The program wrote more than {_limits.OutputFiles} files under {OutputContract.OutputDir} (the file cap) and was stopped."
                        : $"The program wrote more than {_limits.OutputBytes / (1024 * 1024)} MiB under {OutputContract.OutputDir} (the output size cap) and was stopped.";
                    _state.Stop(StopReason.OutputDirLimit);
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file removed while being counted: the next look sees the folder as it is.
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    public void Dispose() => _timer.Dispose();
}
