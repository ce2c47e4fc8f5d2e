// Sends notifications to the client (diagnostics, progress). Failures to send are logged, never thrown: the
// client may have gone away, and a lost notification must not fail the request that produced it.
using AgentCode.Server.Protocol;
using StreamJsonRpc;

namespace AgentCode.Server.Lsp;

/// <summary>Server-to-client notifications.</summary>
internal sealed class ClientNotifier(JsonRpc rpc, Lifecycle lifecycle, Action<string> log)
{
    /// <summary>Sends a notification with a params object, once the initialize response is out (LSP rule).</summary>
    public async Task NotifyAsync(string method, object parameters)
    {
        try
        {
            await lifecycle.InitializeAnswered.ConfigureAwait(false);
            await rpc.NotifyWithParameterObjectAsync(method, parameters).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConnectionLostException or ObjectDisposedException or IOException)
        {
            log($"Could not send {method}: {e.Message}");
        }
    }

    /// <summary>Sends <c>$/progress</c>.</summary>
    public Task ProgressAsync(System.Text.Json.JsonElement token, object value) =>
        NotifyAsync(LspMethods.Progress, new ProgressParams(token, value));
}
