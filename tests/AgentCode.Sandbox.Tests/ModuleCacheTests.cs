// The compiled-module cache on disk: a file Wasmtime refuses (another version, corruption) is replaced by a fresh
// compilation, and the next sandbox loads the replacement instead of compiling again.
using AgentCode.Sandbox;
using Xunit;

namespace AgentCode.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class ModuleCacheTests(SandboxFixture fixture)
{
    [Fact]
    public async Task ACorruptCacheFileIsRecompiledAndReplaced()
    {
        // The file this runtime's key names (the shared cache may hold other builds' files too).
        var name = $"python-{fixture.Sandbox.Runtime.Key}.cwasm";
        var dir = Directory.CreateTempSubdirectory("agentcode-cache-");
        try
        {
            var cached = Path.Combine(dir.FullName, name);
            File.WriteAllText(cached, "not a compiled module");
            var options = fixture.Sandbox.Options with { CacheDirectory = dir.FullName };

            using (var first = PythonSandbox.Create(options))
            {
                first.WarmUp();
                Assert.False(first.LoadedFromCache);
                var result = await first.RunAsync(new RunRequest("print('recompiled')", [], SandboxFixture.Quick), CancellationToken.None);
                Assert.Equal("recompiled\n", result.Stdout);
            }

            Assert.True(new FileInfo(cached).Length > 1_000_000);
            using var second = PythonSandbox.Create(options);
            second.WarmUp();
            Assert.True(second.LoadedFromCache);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void CompilingTheInterpreterOnAColdCacheIsNotCountedAgainstAGuestsTimeLimit()
    {
        // No cache at all, and the reactor's snapshot for runs: python.wasm itself (the checker's and the contract's
        // interpreter) is compiled when the first such guest needs it, which takes seconds. The guest then still gets
        // its whole second; before, the compilation ran on its clock and a check on a busy machine ran out of time.
        using var sandbox = PythonSandbox.Create(fixture.Sandbox.Options with { CacheDirectory = null });
        _ = sandbox.Runtime.Snapshot;
        var outcome = sandbox.Execute(PythonSandbox.InterpreterArgs("print('in time')"), "", [], SandboxFixture.Quick with { Timeout = TimeSpan.FromSeconds(1) }, 0, CancellationToken.None);

        Assert.Equal((GuestEnd.Exited, StopReason.None, 0), (outcome.End, outcome.Stop, outcome.ExitCode));
        Assert.Equal("in time\n", System.Text.Encoding.UTF8.GetString(outcome.Stdout));
        Assert.False(sandbox.LoadedFromCache);
    }

    [Fact]
    public async Task AMissingPythonWasmIsAClearSandboxError()
    {
        using var sandbox = PythonSandbox.Create(new SandboxOptions("/nonexistent/python.wasm", null));
        var error = await Assert.ThrowsAsync<SandboxUnavailableException>(() => sandbox.RunAsync(new RunRequest("print(1)", [], SandboxFixture.Quick), CancellationToken.None));
        Assert.Contains("AGENTCODE_PYTHON_WASM", error.Message, StringComparison.Ordinal);
    }
}
