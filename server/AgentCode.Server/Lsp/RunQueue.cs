// The run queue in front of the sandbox: at most ConcurrentRuns programs execute at once (by default one per core)
// and at most QueuedRuns wait for a slot; one more is refused at once with a Busy error instead of timing out.
// A run's deadline is enforced by the sandbox from the moment it starts executing, so waiting here costs no part of
// its time limit. Cancelling a waiting run takes it out of the queue. Every sandbox run of the server passes here:
// agentcode/run and the trial runs of agentcode/generate.
using AgentCode.Sandbox;
using AgentCode.Server.Handlers;

namespace AgentCode.Server.Lsp;

/// <summary>A bounded queue with a fixed number of execution slots, in front of an <see cref="IPythonSandbox"/>.</summary>
internal sealed class RunQueue(IPythonSandbox sandbox) : IPythonSandbox
{
    private readonly Lock _gate = new();
    private readonly LinkedList<TaskCompletionSource> _waiting = new();
    private int _running;
    private int _concurrent = Environment.ProcessorCount;
    private int _capacity = 32;

    /// <summary>Sets the number of slots and of waiting places; takes effect for waiting runs at once.</summary>
    public void Configure(int concurrentRuns, int queuedRuns)
    {
        lock (_gate)
        {
            _concurrent = Math.Max(1, concurrentRuns);
            _capacity = Math.Max(0, queuedRuns);
            Dispatch();
        }
    }

    /// <summary>Waits for a slot (or fails with Busy when the queue is full), then runs the program.</summary>
    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await sandbox.RunAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Leave();
        }
    }

    private async Task EnterAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        LinkedListNode<TaskCompletionSource> node;
        lock (_gate)
        {
            if (_running < _concurrent && _waiting.Count == 0)
            {
                _running++;
                return;
            }
            if (_waiting.Count >= _capacity)
            {
                throw RpcErrors.Busy(
                    $"The sandbox is busy: {_running} runs are executing and {_waiting.Count} are waiting, as many as the queue holds. " +
                    "Try again when a run has finished, or raise agentcode.sandbox.queuedRuns.");
            }
            node = _waiting.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        using var registration = cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                if (node.List is null)
                {
                    return; // Already given a slot: the run itself sees the cancellation.
                }
                _waiting.Remove(node);
            }
            node.Value.TrySetCanceled(cancellationToken);
        });
        await node.Value.Task.ConfigureAwait(false);
    }

    private void Leave()
    {
        lock (_gate)
        {
            _running--;
            Dispatch();
        }
    }

    /// <summary>Gives free slots to the longest-waiting runs. Called under the lock.</summary>
    private void Dispatch()
    {
        while (_running < _concurrent && _waiting.First is { } next)
        {
            _waiting.RemoveFirst();
            _running++;
            next.Value.TrySetResult();
        }
    }
}
