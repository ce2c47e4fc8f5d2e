// The slots in front of the sandbox, one implementation for the language server's run queue (Lsp/RunQueue.cs) and
// the MCP tools (Mcp/McpTools.cs): at most Concurrent holders at once, at most Queued more waiting in arrival order,
// and anyone beyond that refused at once (null) rather than queued without bound; the caller words the refusal.
// Cancelling a waiting entry takes it out of the line. The limits can change while entries wait (Configure).
namespace AgentCode.Server.Runs;

/// <summary>A bounded first-come line in front of a fixed number of slots.</summary>
internal sealed class RunSlots
{
    private readonly Lock _gate = new();
    private readonly LinkedList<TaskCompletionSource> _waiting = new();
    private int _running;

    public RunSlots(int concurrent, int queued) => Configure(concurrent, queued);

    /// <summary>How many may hold a slot at once.</summary>
    public int Concurrent { get; private set; }

    /// <summary>How many more may wait for one.</summary>
    public int Queued { get; private set; }

    /// <summary>Sets the number of slots (at least 1) and of waiting places (at least 0); waiting entries get new slots at once.</summary>
    public void Configure(int concurrent, int queued)
    {
        lock (_gate)
        {
            Concurrent = Math.Max(1, concurrent);
            Queued = Math.Max(0, queued);
            Dispatch();
        }
    }

    /// <summary>
    /// Waits for a slot and returns its lease (dispose it to free the slot), or null at once when every slot is held
    /// and <see cref="Queued"/> entries are already waiting.
    /// </summary>
    public async Task<IDisposable?> TryEnterAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        LinkedListNode<TaskCompletionSource> node;
        lock (_gate)
        {
            if (_running < Concurrent && _waiting.Count == 0)
            {
                _running++;
                return new Lease(this);
            }
            if (_waiting.Count >= Queued)
            {
                return null;
            }
            node = _waiting.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        using (cancellationToken.Register(() => Withdraw(node, cancellationToken)))
        {
            await node.Value.Task.ConfigureAwait(false);
        }
        return new Lease(this);
    }

    private void Withdraw(LinkedListNode<TaskCompletionSource> node, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (node.List is null)
            {
                return; // Already given a slot: its holder sees the cancellation.
            }
            _waiting.Remove(node);
        }
        node.Value.TrySetCanceled(cancellationToken);
    }

    private void Leave()
    {
        lock (_gate)
        {
            _running--;
            Dispatch();
        }
    }

    /// <summary>Gives free slots to the longest-waiting entries. Called under the lock.</summary>
    private void Dispatch()
    {
        while (_running < Concurrent && _waiting.First is { } next)
        {
            _waiting.RemoveFirst();
            _running++;
            next.Value.TrySetResult();
        }
    }

    private sealed class Lease(RunSlots slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Leave();
            }
        }
    }
}
