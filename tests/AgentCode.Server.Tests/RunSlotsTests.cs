// RunSlots, the line in front of the sandbox that the language server's run queue and the MCP tools share: slots are
// given in arrival order, a full line refuses at once, a cancelled entry leaves the line, and new limits reach
// entries already waiting.
using AgentCode.Server.Runs;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class RunSlotsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SlotsGoToWaitingEntriesInTheOrderTheyArrived()
    {
        var slots = new RunSlots(1, 3);
        var first = await slots.TryEnterAsync(CancellationToken.None);
        var order = new List<int>();
        var waiting = Enumerable.Range(1, 3).Select(async i =>
        {
            using var lease = await slots.TryEnterAsync(CancellationToken.None);
            lock (order)
            {
                order.Add(i);
            }
        }).ToList();
        Assert.All(waiting, t => Assert.False(t.IsCompleted));

        first!.Dispose();
        await Task.WhenAll(waiting).WaitAsync(Patience);
        Assert.Equal([1, 2, 3], order);
    }

    [Fact]
    public async Task AFullLineRefusesAtOnceAndACancelledEntryFreesItsPlace()
    {
        var slots = new RunSlots(1, 1);
        using var running = await slots.TryEnterAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = slots.TryEnterAsync(cancel.Token);
        Assert.Null(await slots.TryEnterAsync(CancellationToken.None));

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience));
        var next = slots.TryEnterAsync(CancellationToken.None);
        Assert.False(next.IsCompleted, "the freed place is a place in the line, not a slot");

        running!.Dispose();
        using var lease = await next.WaitAsync(Patience);
        Assert.NotNull(lease);
    }

    [Fact]
    public async Task MoreSlotsReachEntriesAlreadyWaitingAndALeaseFreesItsSlotOnce()
    {
        var slots = new RunSlots(1, 2);
        var held = await slots.TryEnterAsync(CancellationToken.None);
        var a = slots.TryEnterAsync(CancellationToken.None);
        var b = slots.TryEnterAsync(CancellationToken.None);

        slots.Configure(2, 2);
        using var leaseA = await a.WaitAsync(Patience);
        Assert.False(b.IsCompleted);

        held!.Dispose();
        held.Dispose();
        using var leaseB = await b.WaitAsync(Patience);
        // Two leases hold both slots: disposing the first one twice freed one slot, not two.
        var c = slots.TryEnterAsync(CancellationToken.None);
        Assert.False(c.IsCompleted);
        leaseA!.Dispose();
        using var leaseC = await c.WaitAsync(Patience);
        Assert.NotNull(leaseC);
    }
}
