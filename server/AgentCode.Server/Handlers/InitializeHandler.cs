// Answers initialize with the capabilities the server serves, and no others (incremental text sync of open and
// closed documents, code lenses without resolve), and takes the settings from initializationOptions.
using System.Reflection;
using AgentCode.Server.Lsp;
using AgentCode.Server.Protocol;
using StreamJsonRpc;

namespace AgentCode.Server.Handlers;

/// <summary>Handles <c>initialize</c> and <c>initialized</c>.</summary>
internal sealed class InitializeHandler(ServerState state)
{
    /// <summary>TextDocumentSyncKind.Incremental: a change carries a range and its new text (or the whole text).</summary>
    private const int IncrementalSync = 2;

    /// <summary>Returns the capabilities.</summary>
    [JsonRpcMethod(LspMethods.Initialize, UseSingleObjectParameterDeserialization = true)]
    public InitializeResult Initialize(InitializeParams parameters)
    {
        state.UpdateSettings(parameters.InitializationOptions);
        var version = typeof(InitializeHandler).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        return new InitializeResult(
            new ServerCapabilities(new TextDocumentSyncOptions(OpenClose: true, Change: IncrementalSync, Save: false), new CodeLensOptions(ResolveProvider: false)),
            new ServerInfo("agentcode", version.Split('+')[0]));
    }

    /// <summary>Nothing to do: the client is ready.</summary>
    [JsonRpcMethod(LspMethods.Initialized)]
    public void Initialized() => state.MarkInitialized();
}
