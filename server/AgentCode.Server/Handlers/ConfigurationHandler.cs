// Takes new settings from workspace/didChangeConfiguration.
using AgentCode.Server.Lsp;
using AgentCode.Server.Protocol;
using StreamJsonRpc;

namespace AgentCode.Server.Handlers;

/// <summary>Handles <c>workspace/didChangeConfiguration</c>.</summary>
internal sealed class ConfigurationHandler(ServerState state)
{
    /// <summary>Replaces the settings.</summary>
    [JsonRpcMethod(LspMethods.DidChangeConfiguration, UseSingleObjectParameterDeserialization = true)]
    public void DidChangeConfiguration(DidChangeConfigurationParams parameters) => state.UpdateSettings(parameters.Settings);
}
