// The run queue of the real server: concurrent runs wait for a slot instead of sharing one deadline, a full queue
// answers Busy at once, and cancelling a waiting run takes it out of the queue.
using System.Text.Json;
using AgentCode.Server.Tests.Infrastructure;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class RunQueueTests
{
    // Around a second of work in the sandbox's interpreter; ten of them at once on a few cores need several times
    // that, so with one shared wall clock the last ones would run out of time.
    private const string Loop = "total = 0\nfor i in range(500_000):\n    total += i % 7\nprint(total)\n";

    [Fact]
    public async Task TenConcurrentRunsAllEndOkBecauseTheDeadlineCountsFromTheStartOfEachRun()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        var runs = new List<Task<JsonElement>>();
        for (var i = 0; i < 10; i++)
        {
            runs.Add((await client.SendRequestAsync("agentcode/run", new { code = Loop })).Response);
        }
        foreach (var run in runs)
        {
            var result = await client.ResultOf(run);
            Assert.Equal("ok", result.GetProperty("status").GetString());
            Assert.Equal("1499994\n", result.GetProperty("stdout").GetString());
        }
    }

    [Fact]
    public async Task AFullQueueAnswersBusyAndACancelledWaitingRunLeavesTheQueue()
    {
        await using var client = await LspTestClient.StartInitializedAsync(new { sandbox = new { concurrentRuns = 1, queuedRuns = 1, timeoutSeconds = 120 } });
        var (runningId, running) = await client.SendRequestAsync("agentcode/run", new { code = "while True:\n    pass\n" });
        var (waitingId, waiting) = await client.SendRequestAsync("agentcode/run", new { code = "print('b')" });
        var full = await Assert.ThrowsAsync<LspErrorException>(() => client.RequestAsync("agentcode/run", new { code = "print('c')" }));
        Assert.Equal(-32004, full.Code);
        Assert.Contains("busy", full.ErrorMessage, StringComparison.Ordinal);

        await client.CancelAsync(waitingId);
        var cancelled = await Assert.ThrowsAsync<LspErrorException>(() => client.ResultOf(waiting));
        Assert.Equal(-32800, cancelled.Code);
        // Its place is free again: the next run waits instead of being refused.
        var (_, next) = await client.SendRequestAsync("agentcode/run", new { code = "print('d')" });

        await client.CancelAsync(runningId);
        await Assert.ThrowsAsync<LspErrorException>(() => client.ResultOf(running));
        var result = await client.ResultOf(next);
        Assert.Equal("ok", result.GetProperty("status").GetString());
        Assert.Equal("d\n", result.GetProperty("stdout").GetString());
    }
}
