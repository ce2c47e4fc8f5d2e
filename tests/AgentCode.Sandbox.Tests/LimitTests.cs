// The memory cap and the deadline, each tested so that it fails when the limit is ignored: a program that
// touches real memory past a 64 MiB cap is stopped there (and runs to its end below it), a MemoryError the
// program raises itself is not the memory limit, and a 1 s deadline ends a busy loop and a sleep within 1.5 s.
using System.Diagnostics;
using AgentCode.Sandbox;
using Xunit;

namespace AgentCode.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class LimitTests(SandboxFixture fixture)
{
    /// <summary>
    /// Allocates and zero-fills 1 MiB at a time, printing the MiB count after each step, and stops by itself at
    /// <paramref name="mib"/> MiB, so a cap that is not enforced ends in 'done' instead of taking the host's memory.
    /// </summary>
    internal static string Allocate(int mib) =>
        $"chunks = []\nfor mib in range(1, {mib + 1}):\n    chunks.append(bytearray(1 << 20))\n    print(mib, flush=True)\nprint('done')\n";

    /// <summary>The last number a program of <see cref="Allocate"/> printed: how many MiB it held when it stopped.</summary>
    internal static int LastMiB(string stdout) => stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.All(char.IsAsciiDigit)).Select(int.Parse).LastOrDefault();

    private static readonly RunLimits Cap64 = SandboxFixture.Quick with { MemoryBytes = 64L * 1024 * 1024 };

    [Fact(Timeout = 120_000)]
    public async Task AProgramThatTouchesMemoryPastA64MiBCapIsStoppedAtTheCap()
    {
        var result = await fixture.RunAsync(Allocate(256), Cap64);

        Assert.Equal(RunStatus.Memory, result.Status);
        Assert.Equal("The program ran out of memory (limit 64 MiB).", result.Message);
        Assert.DoesNotContain("done", result.Stdout, StringComparison.Ordinal);
        // It really held memory up to near the cap (the interpreter itself takes about 10 MiB), and not past it.
        Assert.InRange(LastMiB(result.Stdout), 32, 63);
    }

    [Fact(Timeout = 120_000)]
    public async Task AProgramThatStaysBelowTheCapRunsToItsEnd()
    {
        var result = await fixture.RunAsync(Allocate(32), Cap64);

        Assert.Equal(RunStatus.Ok, result.Status);
        Assert.EndsWith("32\ndone\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task AMemoryErrorTheProgramRaisesItselfIsAnErrorNotTheMemoryLimit()
    {
        var result = await fixture.RunAsync("raise MemoryError('made up')\n", Cap64);

        Assert.Equal(RunStatus.Error, result.Status);
        Assert.Equal("MemoryError", result.Error?.Type);
        Assert.Equal("made up", result.Error?.Message);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("while True:\n    pass\n")]
    [InlineData("import time\ntime.sleep(10 ** 6)\n")]
    public async Task AOneSecondDeadlineEndsTheRunWithinHalfASecondOfIt(string code)
    {
        var clock = Stopwatch.StartNew();
        var result = await fixture.RunAsync(code, RunLimits.Default with { Timeout = TimeSpan.FromSeconds(1) });
        clock.Stop();

        Assert.Equal(RunStatus.Timeout, result.Status);
        Assert.Equal("The program was stopped after 1 s (the time limit).", result.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5));
        // The deadline is a .NET timer, which may fire a few milliseconds before a Stopwatch reads 1 s.
        Assert.InRange(result.Elapsed, TimeSpan.FromSeconds(0.95), clock.Elapsed);
    }
}
