// Publishes checker results for open Python documents. Each change restarts a short debounce; a newer change
// cancels the check of the older text, so only the latest text's diagnostics reach the client. A document over the
// input size limit is not checked: one diagnostic saying so is published at once, without the debounce.
using AgentCode.Sandbox;
using AgentCode.Server.Protocol;

namespace AgentCode.Server.Lsp;

/// <summary>Debounced diagnostics for open documents.</summary>
internal sealed class DiagnosticsPublisher(IPythonChecker checker, ClientNotifier notifier, ServerState state, Action<string> log) : IDisposable
{
    /// <summary>Quiet time after the last change before checking.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);

    /// <summary>Diagnostic code of the notice that a document is over the input size limit and was not checked.</summary>
    public const string TooLargeCode = "too-large";

    private readonly Lock _gate = new();
    // Publishing is serialized, so a check that finished just before a close cannot publish after the clear.
    private readonly SemaphoreSlim _publish = new(1, 1);
    private readonly Dictionary<string, CancellationTokenSource> _pending = new(StringComparer.Ordinal);

    /// <summary>Schedules a check of <paramref name="document"/>, cancelling any older one.</summary>
    public void Schedule(OpenDocument document)
    {
        var cts = new CancellationTokenSource();
        lock (_gate)
        {
            if (_pending.TryGetValue(document.Uri, out var old))
            {
                old.Cancel();
            }
            _pending[document.Uri] = cts;
        }
        _ = Task.Run(() => CheckAndPublishAsync(document, cts));
    }

    /// <summary>Cancels any check of the document and clears its diagnostics.</summary>
    public async Task ClearAsync(string uri)
    {
        await _publish.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (_pending.Remove(uri, out var old))
                {
                    old.Cancel();
                }
            }
            await notifier.NotifyAsync(LspMethods.PublishDiagnostics, new PublishDiagnosticsParams(uri, null, [])).ConfigureAwait(false);
        }
        finally
        {
            _publish.Release();
        }
    }

    private async Task CheckAndPublishAsync(OpenDocument document, CancellationTokenSource cts)
    {
        var token = cts.Token;
        IReadOnlyList<Diagnostic> diagnostics;
        try
        {
            if (state.InputLimit.Refusal(document.Text, "This file") is { } refusal)
            {
                var start = new Position(0, 0);
                diagnostics = [new Diagnostic(new LspRange(start, start), DiagnosticSeverity.Warning, TooLargeCode, ProtocolMapping.DiagnosticSource, refusal)];
            }
            else
            {
                await Task.Delay(Debounce, token).ConfigureAwait(false);
                var result = await checker.CheckAsync(document.Text, token).ConfigureAwait(false);
                diagnostics = ProtocolMapping.ToDiagnostics(result, state.Settings.DisabledRules);
            }
        }
        catch (OperationCanceledException)
        {
            return; // a newer change or a close superseded this check
        }
        catch (Exception e)
        {
            // Say so in the editor rather than showing a clean file that was never checked.
            log($"Checking {document.Uri} failed: {e.Message}");
            var start = new Position(0, 0);
            diagnostics = [new Diagnostic(new LspRange(start, start), DiagnosticSeverity.Warning, "unchecked", ProtocolMapping.DiagnosticSource,
                "AgentCode could not check this file: " + e.Message)];
        }
        await PublishIfCurrentAsync(document, cts, diagnostics).ConfigureAwait(false);
    }

    /// <summary>
    /// Publishes under the publish lock, and only when this check is still the document's newest: a result or a
    /// failure notice of superseded text, or of a document closed meanwhile, is dropped.
    /// </summary>
    private async Task PublishIfCurrentAsync(OpenDocument document, CancellationTokenSource cts, IReadOnlyList<Diagnostic> diagnostics)
    {
        var token = cts.Token;
        try
        {
            await _publish.WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            lock (_gate)
            {
                if (!_pending.TryGetValue(document.Uri, out var current) || !ReferenceEquals(current, cts) || token.IsCancellationRequested)
                {
                    return;
                }
                _pending.Remove(document.Uri);
            }
            await notifier.NotifyAsync(LspMethods.PublishDiagnostics,
                new PublishDiagnosticsParams(document.Uri, document.Version, diagnostics)).ConfigureAwait(false);
        }
        finally
        {
            _publish.Release();
        }
    }

    /// <summary>Cancels pending checks.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var cts in _pending.Values)
            {
                cts.Cancel();
            }
            _pending.Clear();
        }
        _publish.Dispose();
    }
}
