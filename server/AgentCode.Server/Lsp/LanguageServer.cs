// Wires the language server: the tolerant Content-Length framing and the lifecycle over stdin/stdout, StreamJsonRpc
// with the System.Text.Json formatter in LSP's camelCase (strict about required params), and every handler. Logs go to stderr; stdout is the protocol.
using System.Text.Json;
using System.Text.Json.Serialization;
using AgentCode.Server.Handlers;
using Microsoft.VisualStudio.Threading;
using StreamJsonRpc;

namespace AgentCode.Server.Lsp;

/// <summary>One LSP session over a pair of streams.</summary>
internal static class LanguageServer
{
    /// <summary>Serializer options of the wire format: camelCase names, nulls omitted, enums as numbers (LSP).</summary>
    public static JsonSerializerOptions CreateJsonOptions() => new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// The wire options for incoming params: like <see cref="CreateJsonOptions"/>, but a missing required field or a
    /// null where the record does not allow one is an error (InvalidParams) rather than a null inside a handler.
    /// </summary>
    public static JsonSerializerOptions CreateWireOptions() => new(CreateJsonOptions())
    {
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    /// <summary>
    /// Serves one session until <c>exit</c> or the end of <paramref name="input"/>; returns the process exit
    /// code: 0 after shutdown and exit, 1 otherwise.
    /// </summary>
    public static async Task<int> RunAsync(Stream input, Stream output, ServerServices services, TextWriter log)
    {
        void Log(string message)
        {
            lock (log)
            {
                log.WriteLine($"[agentcode] {message}");
                log.Flush();
            }
        }

        var jsonOptions = CreateJsonOptions();
        var formatter = new SystemTextJsonFormatter { JsonSerializerOptions = CreateWireOptions() };
        var lifecycle = new Lifecycle();
        var handler = new LspMessageHandler(output, input, formatter, lifecycle, Log);
        using var rpc = new LspJsonRpc(handler, Log);
        // Handlers start one at a time in arrival order, so didOpen/didChange/codeLens see a consistent text;
        // async handlers leave this context at their first await (ConfigureAwait(false)) and run concurrently.
        rpc.SynchronizationContext = new NonConcurrentSynchronizationContext(sticky: false);

        var state = new ServerState(jsonOptions, settings => services.Runs.Configure(settings.ConcurrentRuns, settings.QueuedRuns));
        var documents = new DocumentStore();
        var notifier = new ClientNotifier(rpc, lifecycle, Log);
        using var diagnostics = new DiagnosticsPublisher(services.Checker, notifier, state, Log);
        var targetOptions = new JsonRpcTargetOptions { AllowNonPublicInvocation = false };
        object[] handlers =
        [
            new InitializeHandler(state),
            new ShutdownHandler(state),
            new ConfigurationHandler(state),
            new TextSyncHandler(documents, diagnostics),
            new CodeLensHandler(documents, state),
            new CheckHandler(services.Checker, documents, state),
            new RunHandler(services.Sandbox, documents, state),
            new GenerateHandler(services.Generation, notifier, state),
        ];
        foreach (var h in handlers)
        {
            rpc.AddLocalRpcTarget(h, targetOptions);
        }
        rpc.Disconnected += (_, e) => Log($"Connection closed: {e.Reason} {e.Description} {e.Exception}");
        rpc.StartListening();
        // Nothing is written to stderr on a normal start: VS Code's language client shows the server's stderr at error
        // level, so it carries problems only; the extension logs "Server ready" itself.

        var finished = await Task.WhenAny(state.Exit, rpc.Completion).ConfigureAwait(false);
        if (finished == state.Exit)
        {
            return await state.Exit.ConfigureAwait(false);
        }
        return state.ShutdownRequested ? 0 : 1;
    }
}
