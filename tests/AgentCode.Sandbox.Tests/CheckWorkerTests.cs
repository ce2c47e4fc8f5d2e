// The long-lived checker instance (CheckWorker) with a guest that breaks the reply framing: the waiting check must
// give up as soon as the bad reply arrives and leave the worker dead, instead of waiting out its deadline while the
// guest keeps running. The guest is real python.wasm under Wasmtime, running a stand-in for check.py's serve mode.
using System.Diagnostics;
using AgentCode.Sandbox;
using Xunit;

namespace AgentCode.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class CheckWorkerTests(SandboxFixture fixture)
{
    [Theory(Timeout = 120_000)]
    [InlineData("not a length\n")]
    [InlineData("-5\n")]
    [InlineData("a reply far longer than any length line, with no newline at all")]
    public async Task AReplyThatBreaksTheFramingFailsTheCheckAtOnceAndRetiresTheWorker(string reply)
    {
        var source = "import sys, time\n"
            + "sys.stdin.buffer.readline()\n"
            + $"sys.stdout.write({System.Text.Json.JsonSerializer.Serialize(reply)})\n"
            + "sys.stdout.flush()\n"
            + "time.sleep(3600)\n";
        using var worker = CheckWorker.TryStart(fixture.Sandbox.Runtime, source, SandboxFixture.Quick);
        Assert.NotNull(worker);
        var deadline = TimeSpan.FromSeconds(60);
        var watch = Stopwatch.StartNew();
        var answer = await Task.Run(() => worker.Check("print(1)\n", deadline, CancellationToken.None));
        watch.Stop();
        Assert.Null(answer);
        Assert.True(worker.IsDead);
        // The guest answered within a second or two of starting; the deadline was a minute.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"the check waited {watch.Elapsed.TotalSeconds:F1} s of its {deadline.TotalSeconds} s deadline");
    }
}
