// Publishes checker results for open Python documents. Each change restarts a short debounce; a newer change
// cancels the check of the older text, so only the latest text's diagnostics reach the client.
using System.Collections.Concurrent;
using AgentCode.Sandbox;
using AgentCode.Server.Protocol;

namespace AgentCode.Server.Lsp;

/// <summary>Debounced diagnostics for open documents.</summary>
internal sealed class DiagnosticsPublisher(IPythonChecker checker, ClientNotifier notifier, ServerState state, Action<string> log)
{
    /// <summary>Quiet time after the last change before checking.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);

    private readonly ConcurrentDictionary<string, CancellationTokenSource> _pending = new(StringComparer.Ordinal);

    /// <summary>Schedules a check of <paramref name="document"/>, cancelling any older one.</summary>
    public void Schedule(OpenDocument document)
    {
        var cts = new CancellationTokenSource();
        var old = _pending.AddOrUpdate(document.Uri, cts, (_, _) => cts);
        if (!ReferenceEquals(old, cts))
        {
            old.Cancel();
        }
        _ = Task.Run(() => CheckAndPublishAsync(document, cts));
    }

    /// <summary>Cancels any check of the document and clears its diagnostics.</summary>
    public async Task ClearAsync(string uri)
    {
        if (_pending.TryRemove(uri, out var cts))
        {
            await cts.CancelAsync().ConfigureAwait(false);
        }
        await notifier.NotifyAsync(LspMethods.PublishDiagnostics, new PublishDiagnosticsParams(uri, null, [])).ConfigureAwait(false);
    }

    private async Task CheckAndPublishAsync(OpenDocument document, CancellationTokenSource cts)
    {
        var token = cts.Token;
        try
        {
            await Task.Delay(Debounce, token).ConfigureAwait(false);
            var result = await checker.CheckAsync(document.Text, token).ConfigureAwait(false);
            token.ThrowIfCancellationRequested();
            var diagnostics = ProtocolMapping.ToDiagnostics(result, state.Settings.DisabledRules);
            await notifier.NotifyAsync(LspMethods.PublishDiagnostics,
                new PublishDiagnosticsParams(document.Uri, document.Version, diagnostics)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A newer change or a close superseded this check.
        }
        catch (Exception e)
        {
            log($"Checking {document.Uri} failed: {e.Message}");
        }
        finally
        {
            // Not disposed: a concurrent Schedule may still cancel it, and it owns no timer.
            _pending.TryRemove(new KeyValuePair<string, CancellationTokenSource>(document.Uri, cts));
        }
    }
}
