// Owns the native Wasmtime objects shared by every run: the Engine (with epoch interruption), the compiled
// python.wasm Module (compiled once per process and cached serialized on disk), the Linker with WASI and our
// interruptible clock functions, the ticker that advances the epoch, and the pre-initialized interpreter's snapshot
// when python-reactor.wasm lies next to python.wasm (PythonSnapshot). Runs create their own Store.
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Module = Wasmtime.Module;
using System.Security.Cryptography;
using System.Text;
using Wasmtime;

namespace AgentCode.Sandbox;

/// <summary>Raised when the sandbox itself cannot start (python.wasm missing or unreadable), never for a program.</summary>
public sealed class SandboxUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// How a running guest is interrupted: the engine epoch advances every <paramref name="Tick"/>, and a Store's epoch
/// callback runs (and can stop the guest) every <paramref name="DeadlineTicks"/> ticks. A stop lands at most
/// Tick x DeadlineTicks late. <paramref name="Interrupt"/> false compiles no epoch checks at all (benchmarks only:
/// such a guest cannot be stopped).
/// </summary>
internal sealed record EpochSettings(TimeSpan Tick, ulong DeadlineTicks, bool Interrupt = true)
{
    /// <summary>
    /// 10 ms x 1: the cost of epoch interruption is the check compiled into every loop and call, not the callback,
    /// so checking less often gains nothing measurable (docs/sandbox.md has the figures) while stops land later.
    /// </summary>
    public static readonly EpochSettings Default = new(TimeSpan.FromMilliseconds(10), 1);

    public override string ToString() => Interrupt ? $"tick {Tick.TotalMilliseconds:0} ms x {DeadlineTicks}" : "no epoch interruption";
}

internal sealed class PythonRuntime : IDisposable
{
    private readonly EpochTicker? _ticker;
    private readonly Lazy<PythonSnapshot?>? _snapshot;
    private readonly Lazy<(Module Module, bool FromCache)> _module;

    /// <summary>Where an interpreter built without an embedded standard library looks for it (prefix /python).</summary>
    internal const string GuestLibDirectory = "/python/lib";

    private PythonRuntime(Engine engine, Lazy<(Module Module, bool FromCache)> module, (Module Module, string Path)? reactor, Linker linker, string key, string? cacheDirectory, EpochSettings epoch, string? libDirectory)
    {
        Reactor = reactor?.Module;
        if (reactor is { } r)
        {
            _snapshot = new Lazy<PythonSnapshot?>(() => TakeSnapshot(r.Module, r.Path), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        LibDirectory = libDirectory;
        Key = key;
        CacheDirectory = cacheDirectory;
        Engine = engine;
        _module = module;
        Linker = linker;
        Epoch = epoch;
        _ticker = epoch.Interrupt ? new EpochTicker(engine, epoch.Tick) : null;
    }

    /// <summary>
    /// The standard library of an interpreter that does not embed it (scripts/build-python-wasm): the folder 'lib'
    /// next to python.wasm when it holds a python3*.zip, mounted read-only at /python/lib in every Store; null
    /// for an interpreter that embeds its library.
    /// </summary>
    public string? LibDirectory { get; }

    /// <summary>How running guests are interrupted.</summary>
    public EpochSettings Epoch { get; }

    public Engine Engine { get; }

    /// <summary>
    /// The compiled python.wasm, loaded on first use: a process whose runs all start from the snapshot (one
    /// `agentcode run` with the contract's code cached) never needs it.
    /// </summary>
    public Module Module => _module.Value.Module;

    /// <summary>The compiled python-reactor.wasm when pre-initialization is on and the reactor is usable, else null.</summary>
    public Module? Reactor { get; }

    /// <summary>
    /// The pre-initialized interpreter, taken on first use (once per process); null without a reactor or when it could
    /// not start (then runs start the interpreter as usual, and a warning is traced).
    /// </summary>
    public PythonSnapshot? Snapshot => _snapshot?.Value;

    /// <summary>Why the snapshot could not be taken, when it could not.</summary>
    public string? SnapshotProblem { get; private set; }

    public Linker Linker { get; }

    /// <summary>Identifies the interpreter build and engine settings; names every file this runtime caches.</summary>
    public string Key { get; }

    /// <summary>Where compiled artefacts are cached, or null when caching is off.</summary>
    public string? CacheDirectory { get; }

    /// <summary>True when the module came from the disk cache rather than a fresh compilation.</summary>
    public bool LoadedFromCache => _module.Value.FromCache;

    /// <summary>
    /// A Store for one guest: its memory cap, its WASI configuration, and an epoch callback that lets the guest go on
    /// each tick until <paramref name="state"/> is stopped, then traps it. The caller owns (disposes) the Store.
    /// </summary>
    /// <remarks>
    /// <paramref name="withLibrary"/> false leaves the library mount to the caller (pre-initialized Stores mount it
    /// first, PythonSnapshot.Preopen); otherwise it is added here.
    /// </remarks>
    public Store CreateStore(GuestRunState state, WasiConfiguration wasi, long memoryBytes, bool withLibrary = true)
    {
        var store = new Store(Engine, state);
        store.SetLimits(memorySize: memoryBytes);
        if (withLibrary && LibDirectory is not null)
        {
            wasi = wasi.WithPreopenedDirectory(LibDirectory, GuestLibDirectory, mutable: false);
        }

        store.SetWasiConfiguration(wasi);
        if (Epoch.Interrupt)
        {
            var delta = Epoch.DeadlineTicks;
            // Stryker disable once Statement : without it the first deadline (0) is reached at the first check, and the
            // callback then sets the same one-tick deadline this line sets; only one extra callback call differs.
            store.SetEpochDeadline(delta);
            store.SetEpochDeadlineCallback(_ => state.GoOn() ? delta : throw new GuestStoppedException());
        }

        return store;
    }

    public static PythonRuntime Load(SandboxOptions options, EpochSettings epoch)
    {
        if (!File.Exists(options.PythonWasmPath))
        {
            throw new SandboxUnavailableException(
                $"python.wasm was not found at '{options.PythonWasmPath}'. Build the server (it builds python.wasm with scripts/build-python-wasm) or set AGENTCODE_PYTHON_WASM to its path.");
        }

        using var config = new Config()
            .WithEpochInterruption(epoch.Interrupt)
            .WithOptimizationLevel(OptimizationLevel.Speed);
        var engine = new Engine(config);
        try
        {
            var key = CacheKey(options.PythonWasmPath, options.CacheDirectory, epoch.Interrupt);
            var reactor = options.PreInitialize ? LoadReactor(engine, options, epoch) : null;
            var module = new Lazy<(Module, bool)>(() => LoadModule(engine, options.PythonWasmPath, options.CacheDirectory, key), LazyThreadSafetyMode.ExecutionAndPublication);
            if (reactor is null)
            {
                _ = module.Value; // every run needs python.wasm: a missing or broken one is reported now
            }

            var linker = new Linker(engine);
            linker.DefineWasi();
            linker.AllowShadowing = true;
            GuestClock.Define(linker);
            return new PythonRuntime(engine, module, reactor, linker, key, options.CacheDirectory, epoch, FindLibDirectory(options.PythonWasmPath));
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>The reactor next to python.wasm, compiled (or loaded from the cache), when there is a usable one.</summary>
    private static (Module, string)? LoadReactor(Engine engine, SandboxOptions options, EpochSettings epoch)
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.PythonWasmPath))!, PythonSnapshot.ReactorFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        Module reactor;
        string? problem;
        try
        {
            (reactor, _) = LoadModule(engine, path, options.CacheDirectory, CacheKey(path, options.CacheDirectory, epoch.Interrupt));
            problem = PythonSnapshot.Unsuitable(reactor, path);
        }
        catch (Exception ex) when (ex is SandboxUnavailableException or IOException or InvalidDataException or IndexOutOfRangeException or OverflowException)
        {
            Trace.TraceWarning($"agentcode: '{path}' cannot be pre-initialized ({ex.Message}); runs start the interpreter as usual.");
            return null;
        }

        if (problem is not null)
        {
            Trace.TraceWarning($"agentcode: '{path}' cannot be pre-initialized ({problem}); runs start the interpreter as usual.");
            reactor.Dispose();
            return null;
        }

        return (reactor, path);
    }

    private PythonSnapshot? TakeSnapshot(Module reactor, string reactorPath)
    {
        try
        {
            string? cachePath = null;
            if (CacheDirectory is not null)
            {
                cachePath = Path.Combine(CacheDirectory, $"python-{SnapshotKey(reactorPath)}.snapshot");
                if (PythonSnapshot.TryRead(this, reactor, cachePath) is { } cached)
                {
                    return cached;
                }
            }

            var snapshot = PythonSnapshot.Take(this, reactor);
            if (cachePath is not null)
            {
                WriteCacheFile(cachePath, snapshot.Serialize());
            }

            return snapshot;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever goes wrong, runs start the interpreter as usual: a failure here must never become every run's.
            SnapshotProblem = ex.Message;
            Trace.TraceWarning($"agentcode: the pre-initialized interpreter could not be prepared ({ex.Message}); runs start the interpreter as usual.");
            return null;
        }
    }

    /// <summary>
    /// Names a snapshot by everything it depends on: the reactor, and each file of the library folder (CPython's
    /// import system keeps the zip's directory and folder listings in memory), or its absence (it moves the preopens).
    /// </summary>
    private string SnapshotKey(string reactorPath)
    {
        var text = new StringBuilder($"{CacheKey(reactorPath, CacheDirectory, Epoch.Interrupt)}|snapshot-v1");
        if (LibDirectory is not null)
        {
            foreach (var file in Directory.EnumerateFiles(LibDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"|{Path.GetRelativePath(LibDirectory, file)}={Convert.ToHexString(FileDigests.Sha256(file, CacheDirectory))}");
            }
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..24].ToLowerInvariant();
    }

    private static string? FindLibDirectory(string wasmPath)
    {
        var lib = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(wasmPath))!, "lib");
        return Directory.Exists(lib) && Directory.EnumerateFiles(lib, "python3*.zip").Any() ? lib : null;
    }

    private static (Module Module, bool FromCache) LoadModule(Engine engine, string wasmPath, string? cacheDirectory, string key)
    {
        string? cachePath = null;
        if (cacheDirectory is { } dir)
        {
            cachePath = Path.Combine(dir, $"python-{key}.cwasm");
            if (File.Exists(cachePath))
            {
                try
                {
                    return (Module.DeserializeFile(engine, "python", cachePath), true);
                }
                catch (Exception)
                {
                    // A cache written by another Wasmtime build or a truncated file: compile again and replace it.
                    TryDelete(cachePath);
                }
            }
        }

        Module module;
        try
        {
            module = Module.FromFile(engine, wasmPath);
        }
        catch (Exception ex) when (ex is WasmtimeException or IOException)
        {
            throw new SandboxUnavailableException($"'{wasmPath}' could not be compiled: {ex.Message}", ex);
        }

        if (cachePath is not null)
        {
            TryWriteCache(module, cachePath);
        }

        return (module, false);
    }

    /// <summary>Wasmtime version + engine settings + a hash of python.wasm; any change yields a new file name.</summary>
    private static string CacheKey(string wasmPath, string? cacheDirectory, bool interrupt)
    {
        // Describes every Config setting that affects compiled code, so a cached module built with other settings
        // is never reused.
        var config = $"{(interrupt ? "epoch-interruption" : "no-interruption")};cranelift;opt-speed;v1";
        var wasmtime = typeof(Engine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(Engine).Assembly.GetName().Version?.ToString() ?? "unknown";
        var wasmHash = FileDigests.Sha256(wasmPath, cacheDirectory);
        var key = Encoding.UTF8.GetBytes($"{wasmtime}|{config}|{RuntimeInformationKey()}|{Convert.ToHexString(wasmHash)}");
        return Convert.ToHexString(SHA256.HashData(key))[..24].ToLowerInvariant();
    }

    private static string RuntimeInformationKey() =>
        $"{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}-{System.Runtime.InteropServices.RuntimeInformation.OSDescription.Split(' ')[0]}";

    private static void TryWriteCache(Module module, string cachePath)
    {
        try
        {
            WriteCacheFile(cachePath, module.Serialize());
        }
        catch (WasmtimeException ex)
        {
            Trace.TraceWarning($"agentcode: could not serialize the module for the cache: {ex.Message}");
        }
    }

    /// <summary>
    /// Writes a cache file through a temporary name and a rename, so concurrent processes never read half a file.
    /// The cache is an optimisation: a read-only home directory only costs the work again next time.
    /// </summary>
    internal static void WriteCacheFile(string cachePath, byte[] bytes)
    {
        var temp = $"{cachePath}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cachePath)!);
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, cachePath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Trace.TraceWarning($"agentcode: could not write the cache file '{cachePath}': {ex.Message}");
            TryDelete(temp);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the next run to replace.
        }
    }

    public void Dispose()
    {
        _ticker?.Dispose();
        Linker.Dispose();
        Reactor?.Dispose();
        if (_module.IsValueCreated)
        {
            _module.Value.Module.Dispose();
        }

        Engine.Dispose();
    }
}

/// <summary>
/// Advances the engine's epoch every tick on a thread of its own: a .NET thread-pool timer fires late when the pool is
/// starved (many runs at once block its threads), and every stop signal and deadline depends on these ticks.
/// </summary>
internal sealed class EpochTicker : IDisposable
{
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly Thread _thread;

    public EpochTicker(Engine engine, TimeSpan tick)
    {
        _thread = new Thread(() =>
        {
            while (!_stop.Wait(tick))
            {
                engine.IncrementEpoch();
            }
        })
        {
            IsBackground = true,
            Name = "agentcode epoch ticker",
        };
        _thread.Start();
    }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }
}
