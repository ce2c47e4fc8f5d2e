// The cap on sandbox work across MCP calls: at most N runs or checks at once and at most M more waiting; a call
// beyond that is answered "busy" at once instead of queueing without bound. Small and self-contained on purpose
// (a SemaphoreSlim and a counter), so it can later be unified with the language server's run queue.
namespace AgentCode.Server.Mcp;

/// <summary>A bounded gate: <see cref="Concurrency"/> holders at once, <see cref="QueueLength"/> more waiting.</summary>
internal sealed class RunGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private int _admitted;

    public RunGate(int concurrency, int queueLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queueLength);
        Concurrency = concurrency;
        QueueLength = queueLength;
        _slots = new SemaphoreSlim(concurrency, concurrency);
    }

    /// <summary>How many runs may hold the gate at once.</summary>
    public int Concurrency { get; }

    /// <summary>How many more may wait for a slot.</summary>
    public int QueueLength { get; }

    /// <summary>
    /// Waits for a slot and returns its lease, or returns null at once when <see cref="Concurrency"/> runs hold the
    /// gate and <see cref="QueueLength"/> more are waiting.
    /// </summary>
    public async Task<IDisposable?> TryEnterAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _admitted) > Concurrency + QueueLength)
        {
            Interlocked.Decrement(ref _admitted);
            return null;
        }

        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _admitted);
            throw;
        }

        return new Lease(this);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Lease(RunGate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate._slots.Release();
                Interlocked.Decrement(ref gate._admitted);
            }
        }
    }
}
