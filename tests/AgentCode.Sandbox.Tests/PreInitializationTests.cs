// Runs share nothing, also when they start from the pre-initialized interpreter's snapshot (python-reactor.wasm next
// to python.wasm, docs/sandbox.md "Pre-initialization"): what one run leaves in modules, builtins, files and memory is
// gone in the next, and what must differ per run (random numbers) differs. The interpreter the build ships (scripts/
// build-python-wasm) has a reactor, so these tests exercise the snapshot; they hold for a python.wasm alone too
// (AGENTCODE_PYTHON_PREINIT=0, or AGENTCODE_PYTHON_WASM naming one without a reactor).
using System.Text;
using AgentCode.Sandbox;
using Wasmtime;
using Xunit;

namespace AgentCode.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class PreInitializationTests(SandboxFixture fixture)
{
    private const string LeaveState = """
        import builtins, json, os, sys
        json.left_behind = "changed"
        sys.modules["left_behind"] = type(sys)("left_behind")
        builtins.left_behind = 1
        sys.path.append("/left/behind")
        os.environ["LEFT_BEHIND"] = "1"
        CANARY = "canary-" + "%s"
        kept = [CANARY * 3 for _ in range(100)]
        for path in ("/tmp/left_behind.txt", "/output/left_behind.txt"):
            try:
                with open(path, "w") as f:
                    f.write(CANARY)
            except OSError:
                pass
        print("left")
        """;

    private const string LookForState = """
        import builtins, json, os, sys
        print(hasattr(json, "left_behind"), "left_behind" in sys.modules, hasattr(builtins, "left_behind"),
              "/left/behind" in sys.path, "LEFT_BEHIND" in os.environ, "CANARY" in globals(), "kept" in globals(),
              os.path.exists("/tmp/left_behind.txt"), os.path.exists("/output/left_behind.txt"), sorted(os.listdir("/output")))
        """;

    [Fact]
    public async Task ARunSeesNoModuleGlobalsModulesBuiltinsPathsEnvironmentOrFilesAnEarlierRunLeft()
    {
        var first = await fixture.RunAsync(LeaveState.Replace("%s", Guid.NewGuid().ToString("N"), StringComparison.Ordinal));
        Assert.True(first.Status == RunStatus.Ok, $"{first.Status}: {first.Message}\n{first.Stderr}");
        Assert.Equal("left\n", first.Stdout);

        var second = await fixture.RunAsync(LookForState);

        Assert.True(second.Status == RunStatus.Ok, $"{second.Status}: {second.Message}\n{second.Stderr}");
        Assert.Equal("False False False False False False False False False []\n", second.Stdout);
    }

    [Fact]
    public async Task ACanaryStringARunKeptInMemoryIsNotInTheMemoryTheNextRunStartsFrom()
    {
        var canary = "canary-" + Guid.NewGuid().ToString("N");
        var first = await fixture.RunAsync(LeaveState.Replace("\"canary-\" + \"%s\"", $"\"{canary[..10]}\" + \"{canary[10..]}\"", StringComparison.Ordinal));
        Assert.True(first.Status == RunStatus.Ok, $"{first.Status}: {first.Message}\n{first.Stderr}");

        var memory = StartingMemory(fixture.Sandbox.Runtime);

        // The search itself works: a message compiled into every CPython is found.
        Assert.True(memory.AsSpan().IndexOf("Traceback (most recent call last)"u8) >= 0);
        Assert.Equal(-1, memory.AsSpan().IndexOf(Encoding.UTF8.GetBytes(canary)));
    }

    [Fact]
    public async Task RandomNumbersAndTheTempfileNamesDifferBetweenRuns()
    {
        const string Code = "import random, tempfile\nprint(random.random(), random.getrandbits(64), next(tempfile._get_candidate_names()))";
        var first = await fixture.RunAsync(Code);
        var second = await fixture.RunAsync(Code);

        Assert.True(first.Status == RunStatus.Ok, $"{first.Status}: {first.Message}\n{first.Stderr}");
        Assert.True(second.Status == RunStatus.Ok, $"{second.Status}: {second.Message}\n{second.Stderr}");
        var a = first.Stdout.Split(' ');
        var b = second.Stdout.Split(' ');
        Assert.NotEqual(a[0], b[0]);
        Assert.NotEqual(a[1], b[1]);
        Assert.NotEqual(a[2], b[2]);
    }

    [Fact]
    public async Task ArgumentsAndTheMainModuleAreTheRunsOwn()
    {
        var result = await fixture.RunAsync("import sys\nprint(sys.argv, __name__, sys.flags.isolated, sys.flags.no_site, sys.flags.dont_write_bytecode, sys.flags.utf8_mode)");

        Assert.True(result.Status == RunStatus.Ok, $"{result.Status}: {result.Message}\n{result.Stderr}");
        Assert.Equal("['main.py'] __main__ 1 1 1 1\n", result.Stdout);
    }

    [Fact]
    public async Task TheInterpreterTheBuildShipsIsTheOptimizedCPythonOfTheContractAndRunsStartFromItsSnapshot()
    {
        var wasm = Path.Combine(AppContext.BaseDirectory, "python.wasm");
        var info = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "BUILD-INFO"));
        Assert.StartsWith($"CPython {OutputContract.PythonVersion}.", info, StringComparison.Ordinal);
        Assert.Contains(" -O2 ", info, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, PythonSnapshot.ReactorFileName)));
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "lib", $"python{OutputContract.PythonVersion.Replace(".", "", StringComparison.Ordinal)}.zip")));

        if (Path.GetFullPath(fixture.Sandbox.Options.PythonWasmPath) == wasm && fixture.Sandbox.Options.PreInitialize)
        {
            Assert.NotNull(fixture.Sandbox.Runtime.Snapshot);
            // csv is imported by the pre-initialization, not by the runner: present before the program asks only in a
            // run that started from the snapshot.
            var result = await fixture.RunAsync("import sys\nprint('csv' in sys.modules)\nimport sqlite3\nprint(sys.version_info[:2], sqlite3.connect(':memory:').execute('select 6*7').fetchone()[0])");
            Assert.True(result.Status == RunStatus.Ok, $"{result.Status}: {result.Message}\n{result.Stderr}");
            Assert.Equal($"True\n({OutputContract.PythonVersion.Replace(".", ", ", StringComparison.Ordinal)}) 42\n", result.Stdout);
        }

        // Started without the snapshot, the interpreter finds its whole library (else it warns on stderr at start-up).
        using var plain = PythonSandbox.Create(fixture.Sandbox.Options with { PythonWasmPath = wasm, PreInitialize = false });
        var hello = await plain.RunAsync(new RunRequest("import sys\nprint('hello', 'csv' in sys.modules)", [], SandboxFixture.Quick), CancellationToken.None);
        Assert.True(hello.Status == RunStatus.Ok, $"{hello.Status}: {hello.Message}\n{hello.Stderr}");
        Assert.Equal(("hello False\n", ""), (hello.Stdout, hello.Stderr));
    }

    [Fact]
    public void AReactorNextToPythonWasmIsPreInitializedOnceAndItsSnapshotUsed()
    {
        var runtime = fixture.Sandbox.Runtime;
        var reactor = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(fixture.Sandbox.Options.PythonWasmPath))!, PythonSnapshot.ReactorFileName);

        Assert.Equal(File.Exists(reactor) && fixture.Sandbox.Options.PreInitialize, runtime.Snapshot is not null);
        Assert.Null(runtime.SnapshotProblem);
        Assert.Same(runtime.Snapshot, runtime.Snapshot);
    }

    [Fact]
    public async Task AReactorWithoutTheEntryPointsIsIgnoredAndRunsStartTheInterpreterAsUsual()
    {
        var dir = Directory.CreateTempSubdirectory("agentcode-reactor-");
        try
        {
            var wasm = Path.GetFullPath(fixture.Sandbox.Options.PythonWasmPath);
            File.CreateSymbolicLink(Path.Combine(dir.FullName, "python.wasm"), wasm);
            File.CreateSymbolicLink(Path.Combine(dir.FullName, PythonSnapshot.ReactorFileName), wasm); // a command, not a reactor
            if (fixture.Sandbox.Runtime.LibDirectory is { } lib)
            {
                Directory.CreateSymbolicLink(Path.Combine(dir.FullName, "lib"), lib);
            }

            using var sandbox = PythonSandbox.Create(fixture.Sandbox.Options with { PythonWasmPath = Path.Combine(dir.FullName, "python.wasm") });
            var result = await sandbox.RunAsync(new RunRequest("print('ran')", [], SandboxFixture.Quick), CancellationToken.None);

            Assert.Null(sandbox.Runtime.Reactor);
            Assert.Null(sandbox.Runtime.Snapshot);
            Assert.True(result.Status == RunStatus.Ok, $"{result.Status}: {result.Message}\n{result.Stderr}");
            Assert.Equal("ran\n", result.Stdout);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void TheGlobalSectionReaderCountsTheMutableGlobalsAModuleDefines()
    {
        byte[] wasm =
        [
            0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, // magic, version
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: one () -> () type
            0x06, 0x13, 0x03, // global section, 19 bytes, three globals
            0x7F, 0x01, 0x41, 0x80, 0x80, 0x04, 0x0B, // mut i32 = 65536 (a three-byte LEB)
            0x7E, 0x00, 0x42, 0x8B, 0x01, 0x0B, // const i64 = 139 (a LEB holding 0x0B)
            0x7C, 0x01, 0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x0B, // mut f64 = 1.0
        ];
        wasm[15] = (byte)(wasm.Length - 16);

        Assert.Equal(2, WasmGlobals.CountMutable(wasm));
        Assert.Equal(0, WasmGlobals.CountMutable(wasm[..14]));

        // Read from a file, only the sections up to the globals are read; a code section after them is not.
        var path = Path.Combine(Path.GetTempPath(), $"agentcode-globals-{Guid.NewGuid():N}.wasm");
        try
        {
            File.WriteAllBytes(path, [.. wasm, 0x0A, 0x80, 0x80, 0x80, 0x80, 0x08]); // a code section claiming 2 GiB
            Assert.Equal(wasm, WasmGlobals.ThroughGlobalSection(path));
            var reactor = Path.Combine(AppContext.BaseDirectory, PythonSnapshot.ReactorFileName);
            var prefix = WasmGlobals.ThroughGlobalSection(reactor);
            Assert.InRange(prefix.Length, 9, new FileInfo(reactor).Length / 10);
            Assert.Equal(WasmGlobals.CountMutable(File.ReadAllBytes(reactor)), WasmGlobals.CountMutable(prefix));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ACachedSnapshotIsUsedOnlyWhenItIsWholeUnalteredAndFitsTheReactor()
    {
        var runtime = fixture.Sandbox.Runtime;
        var module = runtime.Module; // exports memory and no mutable global: a reactor with no globals to restore
        var dir = Directory.CreateTempSubdirectory("agentcode-snapshot-file-");
        try
        {
            string Write(string name, byte[] bytes)
            {
                var path = Path.Combine(dir.FullName, name);
                File.WriteAllBytes(path, bytes);
                return path;
            }

            var good = SnapshotFile(globals: [], pages: 2);
            Assert.NotNull(PythonSnapshot.TryRead(runtime, module, Write("good", good)));

            var flipped = (byte[])good.Clone();
            flipped[1000] ^= 1; // a byte of the first page's contents: still parses, but is not what was written
            Assert.Null(PythonSnapshot.TryRead(runtime, module, Write("flipped", flipped)));
            Assert.Null(PythonSnapshot.TryRead(runtime, module, Write("truncated", good[..(good.Length / 2)])));
            Assert.Null(PythonSnapshot.TryRead(runtime, module, Write("empty", [])));
            Assert.Null(PythonSnapshot.TryRead(runtime, module, Path.Combine(dir.FullName, "missing")));
            Assert.Null(PythonSnapshot.TryRead(runtime, module, Write("negative-count", SnapshotFile(globals: [], pages: 2, count: -1))));
            Assert.Null(PythonSnapshot.TryRead(runtime, module, Write("unknown-global", SnapshotFile(globals: ["__stack_pointer"], pages: 2))));
            Assert.Null(PythonSnapshot.TryRead(runtime, module, Write("part-page", SnapshotFile(globals: [], pages: 2, extraBytes: 100))));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>A snapshot file in PythonSnapshot.Serialize's format: i32 globals, a first page of 0x5A bytes and all-zero pages after it, then the SHA-256.</summary>
    private static byte[] SnapshotFile(string[] globals, int pages, int? count = null, int extraBytes = 0)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("agentcode-snapshot-1\n"u8);
            writer.Write(count ?? globals.Length);
            foreach (var name in globals)
            {
                writer.Write(name);
                writer.Write((byte)0);
                writer.Write(65536);
            }

            writer.Write((pages * 65536) + extraBytes);
            writer.Write(false);
            writer.Write(Enumerable.Repeat((byte)0x5A, 65536).ToArray());
            for (var i = 1; i < pages; i++)
            {
                writer.Write(true); // an all-zero page
            }
        }

        stream.Write(System.Security.Cryptography.SHA256.HashData(stream.ToArray()));
        return stream.ToArray();
    }

    /// <summary>The linear memory a new run starts from: the snapshot restored into a fresh instance, or python.wasm freshly instantiated.</summary>
    private static byte[] StartingMemory(PythonRuntime runtime)
    {
        using var state = new GuestRunState();
        using var store = runtime.CreateStore(state, new WasiConfiguration(), RunLimits.Default.MemoryBytes);
        var snapshot = runtime.Snapshot;
        var instance = runtime.Linker.Instantiate(store, snapshot?.Reactor ?? runtime.Module);
        snapshot?.Restore(instance);
        var memory = instance.GetMemory("memory")!;
        return memory.GetSpan(0, checked((int)memory.GetLength())).ToArray();
    }
}
