// Pre-initialization (the Wizer technique, docs/sandbox.md): python-reactor.wasm, built next to python.wasm by
// scripts/build-python-wasm, is started once per process (its _initialize, then agentcode_init, which starts CPython
// as the sandbox's command line does and imports what every run imports); its linear memory and mutable globals are
// copied. Each run then instantiates the reactor in its own new Store, restores the copy and calls agentcode_run, so
// it skips the interpreter's start-up and still shares no state with any other run. The copy is also kept in the disk
// cache (sparse: pages of zeros are not written), so a new process, such as one `agentcode run`, skips the start-up too.
using System.Diagnostics;
using System.Security.Cryptography;
using Wasmtime;
using Module = Wasmtime.Module;

namespace AgentCode.Sandbox;

internal sealed class PythonSnapshot
{
    /// <summary>The reactor's file name, next to python.wasm.</summary>
    public const string ReactorFileName = "python-reactor.wasm";

    private const string DataDir = "/data";

    private readonly byte[] _memory;
    private readonly (string Name, object Value)[] _globals;

    private PythonSnapshot(PythonRuntime runtime, Module reactor, byte[] memory, (string Name, object Value)[] globals)
    {
        Reactor = reactor;
        _memory = memory;
        _globals = globals;
        _changed = ChangedRanges(runtime, reactor, memory);
    }

    /// <summary>The byte ranges of the snapshot that differ from a freshly instantiated reactor's memory: only these are copied per run.</summary>
    private readonly (int Start, int Length)[] _changed;

    /// <summary>The compiled reactor each run instantiates.</summary>
    public Module Reactor { get; }

    /// <summary>Bytes of linear memory a run starts from.</summary>
    public long MemoryBytes => _memory.Length;

    /// <summary>Bytes a run copies: the pages that differ from a freshly instantiated reactor.</summary>
    public long ChangedBytes => _changed.Sum(r => (long)r.Length);

    /// <summary>
    /// Whether <paramref name="wasmPath"/> is a reactor built for pre-initialization: it exports the two entry points,
    /// _initialize and its memory, and every mutable global it defines is exported (one the host cannot reach could
    /// not be restored, and a run would start from the wrong state).
    /// </summary>
    public static string? Unsuitable(Module reactor, string wasmPath)
    {
        var exports = reactor.Exports.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in new[] { "_initialize", "agentcode_init", "agentcode_run", "memory" })
        {
            if (!exports.Contains(name))
            {
                return $"it does not export '{name}'";
            }
        }

        var exportedMutable = reactor.Exports.OfType<GlobalExport>().Count(g => g.Mutability == Mutability.Mutable);
        var defined = WasmGlobals.CountMutable(WasmGlobals.ThroughGlobalSection(wasmPath));
        return defined == exportedMutable ? null : $"it defines {defined} mutable globals but exports {exportedMutable}";
    }

    /// <summary>Starts the reactor once and copies its state; the preopens are those <see cref="Preopen"/> gives a run.</summary>
    public static PythonSnapshot Take(PythonRuntime runtime, Module reactor)
    {
        using var state = new GuestRunState();
        var stderr = new CappedOutput(64 * 1024, state);
        var work = Directory.CreateTempSubdirectory("agentcode-preinit-");
        try
        {
            // Standard input is a file, as in every run, so CPython sets up sys.stdin for the same kind of stream.
            var stdin = Path.Combine(work.FullName, "stdin");
            File.WriteAllBytes(stdin, []);
            var wasi = new WasiConfiguration()
                .WithArgs(["python"])
                .WithStandardInput(stdin)
                .WithStandardOutputCallback(stderr.Write)
                .WithStandardErrorCallback(stderr.Write);
            wasi = Preopen(runtime, wasi, Directory.CreateDirectory(Path.Combine(work.FullName, "data")).FullName, Directory.CreateDirectory(Path.Combine(work.FullName, "output")).FullName);
            using var store = runtime.CreateStore(state, wasi, 1L << 30, withLibrary: false);
            var instance = runtime.Linker.Instantiate(store, reactor);
            instance.GetAction("_initialize")!();
            var status = instance.GetFunction<int>("agentcode_init")!();
            if (status != 0)
            {
                throw new SandboxUnavailableException($"The pre-initialized interpreter did not start (status {status}): {System.Text.Encoding.UTF8.GetString(stderr.ToArray()).Trim()}");
            }

            var memory = instance.GetMemory("memory")!;
            var bytes = memory.GetSpan(0, checked((int)memory.GetLength())).ToArray();
            var globals = instance.GetGlobals()
                .Where(g => g.Global.Mutability == Mutability.Mutable)
                .Select(g => (g.Name, g.Global.GetValue()!))
                .ToArray();
            return new PythonSnapshot(runtime, reactor, bytes, globals);
        }
        finally
        {
            try
            {
                work.Delete(recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Trace.TraceWarning($"agentcode: could not remove '{work.FullName}': {ex.Message}");
            }
        }
    }

    /// <summary>
    /// The preopens of a pre-initialized Store, always in this order: the standard library, /data, /output. wasi-libc's
    /// preopen table in the snapshot maps these guest paths to descriptors 3, 4, 5 (or 3, 4 without a library
    /// folder); a run adds its /data/&lt;name&gt; folders after them, and agentcode_run registers those.
    /// </summary>
    public static WasiConfiguration Preopen(PythonRuntime runtime, WasiConfiguration wasi, string dataDir, string outputDir)
    {
        if (runtime.LibDirectory is not null)
        {
            wasi = wasi.WithPreopenedDirectory(runtime.LibDirectory, PythonRuntime.GuestLibDirectory, mutable: false);
        }

        return wasi
            .WithPreopenedDirectory(dataDir, DataDir, mutable: false)
            .WithPreopenedDirectory(outputDir, OutputContract.OutputDir, mutable: true);
    }

    private static ReadOnlySpan<byte> Magic => "agentcode-snapshot-1\n"u8;

    /// <summary>
    /// Writes the snapshot for <see cref="TryRead"/>: globals, then each 64 KiB page as a flag and, unless it is all
    /// zeros, its bytes, then the SHA-256 of all that.
    /// </summary>
    public byte[] Serialize()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(_globals.Length);
            foreach (var (name, value) in _globals)
            {
                writer.Write(name);
                switch (value)
                {
                    case int i: writer.Write((byte)0); writer.Write(i); break;
                    case long l: writer.Write((byte)1); writer.Write(l); break;
                    case float f: writer.Write((byte)2); writer.Write(f); break;
                    case double d: writer.Write((byte)3); writer.Write(d); break;
                    default: throw new InvalidDataException($"The global '{name}' holds a {value.GetType().Name}, which a snapshot cannot keep.");
                }
            }

            writer.Write(_memory.Length);
            for (var page = 0; page < _memory.Length; page += (int)Memory.PageSize)
            {
                var bytes = _memory.AsSpan(page, (int)Math.Min(Memory.PageSize, _memory.Length - page));
                var zero = !bytes.ContainsAnyExcept((byte)0);
                writer.Write(zero);
                if (!zero)
                {
                    writer.Write(bytes);
                }
            }
        }

        stream.Write(SHA256.HashData(stream.GetBuffer().AsSpan(0, (int)stream.Length)));
        return stream.ToArray();
    }

    /// <summary>The largest linear memory a cached snapshot may restore.</summary>
    private const int MaxMemoryBytes = 1 << 30;

    /// <summary>
    /// Reads a snapshot <see cref="Serialize"/> wrote; null when the file is missing, truncated, altered (its SHA-256),
    /// of another format, or does not fit <paramref name="reactor"/> (a global it does not export as mutable of that
    /// type, a memory size that is not whole pages or over 1 GiB). The caller then takes a new one over it.
    /// </summary>
    public static PythonSnapshot? TryRead(PythonRuntime runtime, Module reactor, string path)
    {
        try
        {
            var file = File.ReadAllBytes(path);
            if (file.Length < Magic.Length + SHA256.HashSizeInBytes
                || !SHA256.HashData(file.AsSpan(0, file.Length - SHA256.HashSizeInBytes)).AsSpan().SequenceEqual(file.AsSpan(file.Length - SHA256.HashSizeInBytes)))
            {
                return null;
            }

            using var reader = new BinaryReader(new MemoryStream(file, 0, file.Length - SHA256.HashSizeInBytes), System.Text.Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                return null;
            }

            var exported = reactor.Exports.OfType<GlobalExport>().Where(g => g.Mutability == Mutability.Mutable).ToDictionary(g => g.Name, g => g.Kind, StringComparer.Ordinal);
            var count = reader.ReadInt32();
            if (count < 0 || count > exported.Count)
            {
                return null;
            }

            var globals = new (string Name, object Value)[count];
            for (var i = 0; i < globals.Length; i++)
            {
                var name = reader.ReadString();
                var (kind, value) = reader.ReadByte() switch
                {
                    0 => (ValueKind.Int32, (object)reader.ReadInt32()),
                    1 => (ValueKind.Int64, reader.ReadInt64()),
                    2 => (ValueKind.Float32, reader.ReadSingle()),
                    3 => (ValueKind.Float64, reader.ReadDouble()),
                    _ => throw new InvalidDataException("unknown global kind"),
                };
                if (!exported.TryGetValue(name, out var expected) || expected != kind)
                {
                    return null;
                }

                globals[i] = (name, value);
            }

            var length = reader.ReadInt32();
            if (length <= 0 || length > MaxMemoryBytes || length % Memory.PageSize != 0)
            {
                return null;
            }

            var memory = new byte[length];
            for (var page = 0; page < memory.Length; page += (int)Memory.PageSize)
            {
                if (!reader.ReadBoolean())
                {
                    reader.BaseStream.ReadExactly(memory, page, (int)Memory.PageSize);
                }
            }

            return reader.BaseStream.Position == reader.BaseStream.Length ? new PythonSnapshot(runtime, reactor, memory, globals) : null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not WasmtimeException)
        {
            // Whatever a damaged file makes the reader throw, it is not a snapshot: the caller takes a new one.
            return null;
        }
    }

    /// <summary>
    /// Compares the snapshot with the memory a new instance starts with (its data segments, zeros elsewhere, and zeros
    /// wherever memory is grown), 64 KiB page by page, and merges the pages that differ into ranges.
    /// </summary>
    private static (int Start, int Length)[] ChangedRanges(PythonRuntime runtime, Module reactor, byte[] snapshot)
    {
        using var state = new GuestRunState();
        using var store = runtime.CreateStore(state, new WasiConfiguration(), 1L << 30, withLibrary: false);
        var fresh = runtime.Linker.Instantiate(store, reactor).GetMemory("memory")!;
        var initial = fresh.GetSpan(0, checked((int)Math.Min(fresh.GetLength(), snapshot.Length)));
        var ranges = new List<(int Start, int Length)>();
        var page = (int)Memory.PageSize;
        for (var at = 0; at < snapshot.Length; at += page)
        {
            var length = Math.Min(page, snapshot.Length - at);
            var now = snapshot.AsSpan(at, length);
            var same = at + length <= initial.Length ? now.SequenceEqual(initial.Slice(at, length)) : !now.ContainsAnyExcept((byte)0);
            if (same)
            {
                continue;
            }

            if (ranges.Count > 0 && ranges[^1].Start + ranges[^1].Length == at)
            {
                ranges[^1] = (ranges[^1].Start, ranges[^1].Length + length);
            }
            else
            {
                ranges.Add((at, length));
            }
        }

        return [.. ranges];
    }

    /// <summary>
    /// Makes a fresh reactor instance the snapshot: grows its memory to the snapshot's size (within the Store's memory
    /// cap, or Wasmtime refuses) and copies memory and globals. Throws <see cref="WasmtimeException"/> when the cap is
    /// below the snapshot.
    /// </summary>
    public void Restore(Instance instance)
    {
        var memory = instance.GetMemory("memory")!;
        var missing = (_memory.Length - memory.GetLength() + Memory.PageSize - 1) / Memory.PageSize;
        if (missing > 0)
        {
            memory.Grow(missing);
        }

        var target = memory.GetSpan(0, _memory.Length);
        foreach (var (start, length) in _changed)
        {
            _memory.AsSpan(start, length).CopyTo(target.Slice(start, length));
        }
        foreach (var (name, value) in _globals)
        {
            instance.GetGlobal(name)!.SetValue(value);
        }
    }
}

/// <summary>Reads a WebAssembly module's global section: how many globals it defines as mutable.</summary>
internal static class WasmGlobals
{
    /// <summary>
    /// The module's bytes up to the end of its global section, which comes before the code: the rest of an 8 MB
    /// interpreter is not read.
    /// </summary>
    public static byte[] ThroughGlobalSection(string path)
    {
        using var file = File.OpenRead(path);
        var prefix = new MemoryStream();
        var header = new byte[8];
        file.ReadExactly(header);
        prefix.Write(header);
        int id;
        while ((id = file.ReadByte()) >= 0 && id is not (10 or 11)) // the code and data sections follow the globals
        {
            prefix.WriteByte((byte)id);
            ulong size = 0;
            var shift = 0;
            int b;
            do
            {
                b = file.ReadByte();
                if (b < 0)
                {
                    throw new InvalidDataException($"'{path}' ends inside a section header.");
                }

                prefix.WriteByte((byte)b);
                size |= (ulong)(b & 0x7F) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);

            var body = new byte[checked((int)size)];
            file.ReadExactly(body);
            prefix.Write(body);
            if (id == 6)
            {
                break;
            }
        }

        return prefix.ToArray();
    }

    public static int CountMutable(byte[] wasm)
    {
        var at = 8; // magic and version
        while (at < wasm.Length)
        {
            var id = wasm[at++];
            var size = (int)Leb(wasm, ref at);
            var end = at + size;
            if (id == 6)
            {
                var count = Leb(wasm, ref at);
                var mutable = 0;
                for (var i = 0UL; i < count; i++)
                {
                    at++; // value type
                    if (wasm[at++] == 1)
                    {
                        mutable++;
                    }

                    SkipConstExpr(wasm, ref at);
                }

                return mutable;
            }

            at = end;
        }

        return 0;
    }

    private static void SkipConstExpr(byte[] wasm, ref int at)
    {
        while (true)
        {
            var op = wasm[at++];
            switch (op)
            {
                case 0x0B: // end
                    return;
                case 0x41 or 0x42 or 0x23 or 0xD2: // i32/i64.const, global.get, ref.func: one LEB
                    Leb(wasm, ref at);
                    break;
                case 0x43:
                    at += 4;
                    break;
                case 0x44:
                    at += 8;
                    break;
                case 0xD0: // ref.null type
                    at++;
                    break;
                default:
                    throw new InvalidDataException($"Unexpected opcode 0x{op:x2} in a global's initializer.");
            }
        }
    }

    private static ulong Leb(byte[] wasm, ref int at)
    {
        ulong value = 0;
        var shift = 0;
        byte b;
        do
        {
            b = wasm[at++];
            value |= (ulong)(b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        return value;
    }
}
