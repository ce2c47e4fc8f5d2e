// The run queue in front of the sandbox: at most ConcurrentRuns programs execute at once (by default one per core)
// and at most QueuedRuns wait for a slot (Runs/RunSlots.cs, shared with the MCP tools); one more is refused at once
// with a Busy error instead of timing out.
// A run's deadline is enforced by the sandbox from the moment it starts executing, so waiting here costs no part of
// its time limit. Cancelling a waiting run takes it out of the queue. Every sandbox run of the server passes here:
// agentcode/run and the trial runs of agentcode/generate.
using AgentCode.Sandbox;
using AgentCode.Server.Handlers;
using AgentCode.Server.Runs;

namespace AgentCode.Server.Lsp;

/// <summary>A bounded queue with a fixed number of execution slots, in front of an <see cref="IPythonSandbox"/>.</summary>
internal sealed class RunQueue(IPythonSandbox sandbox) : IPythonSandbox
{
    private readonly RunSlots _slots = new(Environment.ProcessorCount, 32);

    /// <summary>Sets the number of slots and of waiting places; takes effect for waiting runs at once.</summary>
    public void Configure(int concurrentRuns, int queuedRuns) => _slots.Configure(concurrentRuns, queuedRuns);

    /// <summary>Waits for a slot (or fails with Busy when the queue is full), then runs the program.</summary>
    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        using var lease = await _slots.TryEnterAsync(cancellationToken).ConfigureAwait(false) ?? throw RpcErrors.Busy(
            $"The sandbox is busy: all {_slots.Concurrent} run slots are taken and the queue of {_slots.Queued} waiting runs is full. " +
            "Try again when a run has finished, or raise agentcode.sandbox.queuedRuns.");
        return await sandbox.RunAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
