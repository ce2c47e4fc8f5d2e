// agentcode/generate: validates the request and settings, then runs the repair loop, reporting steps with the
// workDoneToken and streamed tokens and finished attempts with the partialResultToken through $/progress.
using System.Text.Json;
using AgentCode.Server.Generation;
using AgentCode.Server.Lsp;
using AgentCode.Server.Protocol;
using StreamJsonRpc;

namespace AgentCode.Server.Handlers;

/// <summary>Handles <c>agentcode/generate</c>.</summary>
internal sealed class GenerateHandler(GenerationService generation, ClientNotifier notifier, ServerState state)
{
    /// <summary>Generates, checks, trial-runs and repairs code.</summary>
    [JsonRpcMethod(AgentCodeMethods.Generate, UseSingleObjectParameterDeserialization = true)]
    public async Task<GenerateResult> GenerateAsync(GenerateParams parameters, CancellationToken cancellationToken)
    {
        var prompt = parameters.Prompt ?? "";
        var keep = new { prompt };
        if (prompt.Trim().Length == 0)
        {
            throw RpcErrors.BadInput("The prompt is empty: say what the program should do.", keep);
        }
        var limit = state.InputLimit;
        RequestInputs.Within(limit, prompt, "The prompt", keep);
        RequestInputs.Within(limit, parameters.Context?.Selection ?? "", "The selection", keep);
        RequestInputs.Within(limit, parameters.Context?.ActiveFile?.Text ?? "", "The active file", keep);
        var settings = state.Settings;
        var endpoint = settings.ResolveEndpoint(Environment.GetEnvironmentVariable);
        if (ChatModelClient.Validate(endpoint) is { } invalid)
        {
            throw RpcErrors.Configuration(invalid.Message, keep);
        }
        var dataFiles = RequestInputs.DataFiles(parameters.Context?.DataFiles, keep);
        var panelPackages = RequestInputs.PanelPackages(parameters.Context?.PanelPackages, keep);
        // Missing fields arrive as null from JSON: an attempt without a reply or problem is an empty one.
        var history = (parameters.History ?? []).Select(p => new PreviousAttempt(p?.Reply ?? "", p?.Problem ?? "")).ToList();
        var maxAttempts = settings.ResolveMaxAttempts(parameters.MaxAttempts);
        if (history.Count >= maxAttempts)
        {
            throw RpcErrors.BadInput($"The history holds {history.Count} attempt(s), which leaves none of the {maxAttempts} allowed.", keep);
        }
        foreach (var previous in history)
        {
            RequestInputs.Within(limit, previous.Reply, "An earlier attempt's reply", keep);
            RequestInputs.Within(limit, previous.Problem, "An earlier attempt's problem", keep);
        }
        var context = (parameters.Context ?? new GenerateContext()) with { DataFiles = dataFiles, PanelPackages = panelPackages };
        var request = new GenerationRequest(
            prompt,
            context,
            maxAttempts,
            endpoint,
            settings.ResolveLimits(),
            settings.DisabledRules,
            history);

        var progress = new ProgressReporter(notifier, parameters.WorkDoneToken, parameters.PartialResultToken);
        progress.Begin("Generating Python");
        try
        {
            GenerateResult result;
            try
            {
                result = await generation.GenerateAsync(request, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (LocalRpcException busy) when (busy.ErrorCode == AgentCodeErrorCodes.Busy)
            {
                // A trial run found the run queue full: keep the prompt, like every other failure.
                throw RpcErrors.Busy(busy.Message, keep);
            }
            progress.End(result.Final.Ok ? "Done" : result.Error?.Message ?? "Failed");
            return result;
        }
        finally
        {
            // Every progress notification goes out before the response.
            await progress.DrainAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends progress in order, one notification after the other.</summary>
    private sealed class ProgressReporter(ClientNotifier notifier, JsonElement? workDone, JsonElement? partial) : IGenerationObserver
    {
        private readonly Lock _gate = new();
        private Task _last = Task.CompletedTask;
        private bool _ended;

        public void Begin(string title)
        {
            if (workDone is { } t && IsToken(t))
            {
                Send(t, new WorkDoneProgressBegin(title, Cancellable: true, Message: null));
            }
        }

        public void End(string message)
        {
            _ended = true;
            if (workDone is { } t && IsToken(t))
            {
                Send(t, new WorkDoneProgressEnd(message));
            }
        }

        public void OnStep(string message)
        {
            if (workDone is { } t && IsToken(t))
            {
                Send(t, new WorkDoneProgressReport(message));
            }
        }

        public void OnToken(int attempt, string text)
        {
            if (partial is { } t && IsToken(t))
            {
                Send(t, new TokenChunk(attempt, text));
            }
        }

        public void OnAttemptDone(AttemptInfo attempt)
        {
            if (partial is { } t && IsToken(t))
            {
                Send(t, new AttemptDone(attempt));
            }
        }

        public async Task DrainAsync()
        {
            if (!_ended)
            {
                End("Cancelled");
            }
            Task last;
            lock (_gate)
            {
                last = _last;
            }
            await last.ConfigureAwait(false);
        }

        private static bool IsToken(JsonElement t) => t.ValueKind is JsonValueKind.String or JsonValueKind.Number;

        private void Send(JsonElement token, object value)
        {
            lock (_gate)
            {
                _last = _last.ContinueWith(_ => notifier.ProgressAsync(token, value), TaskScheduler.Default).Unwrap();
            }
        }
    }
}
