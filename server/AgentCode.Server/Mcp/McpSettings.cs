// The settings of one 'agentcode mcp' server, fixed at start from the command line: which data may be mounted,
// where the run record goes, and the caps every call is held to.
using AgentCode.Sandbox;

namespace AgentCode.Server.Mcp;

/// <summary>What the MCP server allows. Immutable.</summary>
/// <param name="AllowList">Host directories whose files may be mounted under /data.</param>
/// <param name="RecordPath">The run record file, or null for none.</param>
/// <param name="MaxTimeout">The longest deadline a call may ask for.</param>
/// <param name="MaxMemoryMb">The most memory a call may ask for, in MiB.</param>
/// <param name="Concurrency">Runs and checks at once.</param>
/// <param name="QueueLength">Calls that may wait for a slot; more are answered "busy".</param>
internal sealed record McpSettings(DataAllowList AllowList, string? RecordPath, TimeSpan MaxTimeout, int MaxMemoryMb, int Concurrency, int QueueLength)
{
    /// <summary>The limits of a call that asks for nothing: the sandbox defaults, within the caps.</summary>
    public RunLimits DefaultLimits => RunLimits.Default with
    {
        Timeout = RunLimits.Default.Timeout < MaxTimeout ? RunLimits.Default.Timeout : MaxTimeout,
        MemoryBytes = Math.Min(RunLimits.Default.MemoryBytes, MaxMemoryMb * 1024L * 1024),
    };
}
