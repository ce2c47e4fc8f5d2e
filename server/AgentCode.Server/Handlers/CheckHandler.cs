// agentcode/check: syntax errors and policy findings of a program, without the rules disabled in settings.
using AgentCode.Sandbox;
using AgentCode.Server.Lsp;
using AgentCode.Server.Protocol;
using StreamJsonRpc;

namespace AgentCode.Server.Handlers;

/// <summary>Handles <c>agentcode/check</c>.</summary>
internal sealed class CheckHandler(IPythonChecker checker, DocumentStore documents, ServerState state)
{
    /// <summary>Checks the code or the open document.</summary>
    [JsonRpcMethod(AgentCodeMethods.Check, UseSingleObjectParameterDeserialization = true)]
    public async Task<CheckResultInfo> CheckAsync(CheckParams parameters, CancellationToken cancellationToken)
    {
        var code = RequestInputs.Code(parameters.Code, parameters.Uri, documents, state.InputLimit);
        var result = await checker.CheckAsync(code, cancellationToken).ConfigureAwait(false);
        return ProtocolMapping.ToInfo(result, state.Settings.DisabledRules);
    }
}
