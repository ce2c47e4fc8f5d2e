// agentcode/run: runs a program in a fresh sandbox with the data files mounted. Cancelling the request stops
// the run (the token reaches the sandbox's epoch interruption) and answers with RequestCancelled.
using AgentCode.Sandbox;
using AgentCode.Server.Lsp;
using AgentCode.Server.Protocol;
using StreamJsonRpc;

namespace AgentCode.Server.Handlers;

/// <summary>Handles <c>agentcode/run</c>.</summary>
internal sealed class RunHandler(IPythonSandbox sandbox, DocumentStore documents, ServerState state)
{
    /// <summary>Runs the code or the open document.</summary>
    [JsonRpcMethod(AgentCodeMethods.Run, UseSingleObjectParameterDeserialization = true)]
    public async Task<RunResultInfo> RunAsync(RunParams parameters, CancellationToken cancellationToken)
    {
        var code = RequestInputs.Code(parameters.Code, parameters.Uri, documents, state.InputLimit);
        var data = RequestInputs.DataFiles(parameters.Data);
        var l = parameters.Limits;
        var limits = state.Settings.ResolveLimits(l?.TimeoutSeconds, l?.MemoryMb, l?.OutputKb);
        var result = await sandbox.RunAsync(new RunRequest(code, data.Select(p => new DataMount(p)).ToList(), limits), cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return ProtocolMapping.ToInfo(result);
    }
}
