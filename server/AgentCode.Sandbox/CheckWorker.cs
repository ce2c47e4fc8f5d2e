// A long-lived python.wasm instance running check.py in serve mode, so a check costs a parse instead of a
// CPython start-up (~150 ms in wasm). Safe to reuse because the checker only parses the source and never
// executes it. Requests go through a FIFO that is the guest's stdin; replies come back through the stdout
// callback. Any failure (deadline, trap, odd reply) retires the worker; the caller then falls back to a fresh
// one-shot instance, which also yields the precise failure reason.
using System.Runtime.InteropServices;
using System.Text;
using Wasmtime;

namespace AgentCode.Sandbox;

internal sealed partial class CheckWorker : IDisposable
{
    private readonly GuestRunState _state = new();
    private readonly DirectoryInfo _dir;
    private readonly FileStream _requests;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _exited = new(false);
    // Set when a reply breaks the framing, so the waiting check gives up at once instead of at its deadline.
    private readonly ManualResetEventSlim _broken = new(false);
    private readonly SemaphoreSlim _replied = new(0);
    private readonly Lock _gate = new();
    private readonly List<byte> _pending = [];
    private byte[]? _reply;
    private volatile bool _dead;

    private CheckWorker(PythonRuntime runtime, string checkSource, RunLimits limits)
    {
        _dir = Directory.CreateTempSubdirectory("agentcode-check-");
        var fifo = Path.Combine(_dir.FullName, "requests");
        if (MakeFifo(fifo, 0x180) != 0)
        {
            _dir.Delete(true);
            throw new IOException("could not create the checker's request pipe");
        }

        // Opened read-write so the open neither blocks waiting for a reader nor lets the guest see an early EOF.
        _requests = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.None);
        _thread = new Thread(() => Serve(runtime, checkSource, limits, fifo)) { IsBackground = true, Name = "agentcode-check-worker" };
        _thread.Start();
    }

    public bool IsDead => _dead;

    public static CheckWorker? TryStart(PythonRuntime runtime, string checkSource, RunLimits limits)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        try
        {
            return new CheckWorker(runtime, checkSource, limits);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Sends one program and waits for its report; null when the worker failed (and is now dead).</summary>
    public byte[]? Check(string code, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_dead)
        {
            return null;
        }

        var body = Encoding.UTF8.GetBytes(code);
        try
        {
            var header = Encoding.ASCII.GetBytes(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
            _requests.Write(header);
            _requests.Write(body);
            _requests.Flush();
        }
        catch (IOException)
        {
            Retire();
            return null;
        }

        var waits = new[] { _replied.AvailableWaitHandle, _exited.WaitHandle, _broken.WaitHandle, cancellationToken.WaitHandle };
        var signalled = WaitHandle.WaitAny(waits, timeout);
        if (signalled == 0 && _replied.Wait(0, CancellationToken.None))
        {
            lock (_gate)
            {
                var reply = _reply;
                _reply = null;
                return reply;
            }
        }

        Retire();
        return null;
    }

    private void Serve(PythonRuntime runtime, string checkSource, RunLimits limits, string fifo)
    {
        try
        {
            var wasi = new WasiConfiguration()
                .WithArgs(PythonSandbox.InterpreterArgs(checkSource, "--serve"))
                .WithStandardInput(fifo)
                .WithStandardOutputCallback(OnStdout)
                .WithStandardErrorCallback(_ => { });
            using var store = runtime.CreateStore(_state, wasi, limits.MemoryBytes);
            var instance = runtime.Linker.Instantiate(store, runtime.Module);
            instance.GetAction("_start")?.Invoke();
        }
        catch (Exception ex) when (ex is WasmtimeException or IOException or GuestStoppedException)
        {
            // The worker is retired below; the caller falls back to a one-shot check.
        }
        finally
        {
            _dead = true;
            _exited.Set();
        }
    }

    private void OnStdout(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            _pending.AddRange(data);
            var newline = _pending.IndexOf((byte)'\n');
            if (newline < 0)
            {
                if (_pending.Count > 32)
                {
                    Break(); // not our framing: something is wrong with the guest
                }

                return;
            }

            if (!int.TryParse(Encoding.ASCII.GetString([.. _pending.GetRange(0, newline)]), out var length) || length < 0)
            {
                Break();
                return;
            }

            if (_pending.Count - newline - 1 < length)
            {
                return;
            }

            _reply = [.. _pending.GetRange(newline + 1, length)];
            _pending.RemoveRange(0, newline + 1 + length);
        }

        _replied.Release();
    }

    /// <summary>The guest's reply is not a length line and a body: the worker is dead, and a waiting check is told now.</summary>
    private void Break()
    {
        _dead = true;
        _broken.Set();
    }

    private void Retire()
    {
        _dead = true;
        _state.Stop(StopReason.Cancelled);
        try
        {
            _requests.Dispose(); // EOF for a guest waiting on its next request
        }
        catch (IOException)
        {
            // Already broken.
        }
    }

    public void Dispose()
    {
        Retire();
        _thread.Join(TimeSpan.FromSeconds(5));
        _state.Dispose();
        _replied.Dispose();
        _exited.Dispose();
        _broken.Dispose();
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Harmless leftover in the temp directory.
        }
    }

    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeFifo(string path, uint mode);
}
