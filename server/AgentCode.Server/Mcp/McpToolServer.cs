// Serves the MCP tools over stdio with the official C# SDK (ModelContextProtocol): tools/list and tools/call
// only. JSON-RPC framing, initialization and cancellation are the SDK's; what a call does is McpTools'. An
// unexpected failure inside a call is logged to stderr and answered as a tool error, so the server keeps serving.
using System.Reflection;
using AgentCode.Sandbox;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentCode.Server.Mcp;

internal static class McpToolServer
{
    private const string Instructions =
        "AgentCode runs Python safely: WASI CPython under Wasmtime, no network, read-only data, hard limits on time, memory and output. "
        + "Call describe_sandbox once to learn what programs may use, check_python to find problems without running, and run_python to run.";

    /// <summary>Serves until the client closes stdin or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task<int> RunAsync(McpSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        using var sandbox = PythonSandbox.Create();
        var record = new McpRunRecord(settings.RecordPath, m => log.WriteLine("[agentcode mcp] " + m));
        var tools = new McpTools(settings, sandbox, new PythonChecker(sandbox), record);

        // Compile (or load from the cache) python.wasm while the client initializes, so the first call is not the slow one.
        _ = Task.Run(() =>
        {
            try
            {
                sandbox.WarmUp();
            }
            catch (SandboxUnavailableException e)
            {
                log.WriteLine("[agentcode mcp] " + e.Message);
            }
        }, CancellationToken.None);

        var version = typeof(McpToolServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var options = new McpServerOptions
        {
            ServerInfo = new Implementation { Name = "agentcode", Title = "AgentCode Python sandbox", Version = version.Split('+')[0] },
            Capabilities = new ServerCapabilities { Tools = new ToolsCapability { ListChanged = false } },
            ServerInstructions = Instructions,
            Handlers = new McpServerHandlers
            {
                ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult { Tools = tools.List() }),
                CallToolHandler = async (request, ct) =>
                {
                    var name = request.Params?.Name ?? "";
                    try
                    {
                        return await tools.CallAsync(name, request.Params?.Arguments, ct).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not McpProtocolException and not OperationCanceledException)
                    {
                        log.WriteLine($"[agentcode mcp] {name} failed: {e}");
                        return McpResults.Error($"{name} failed inside the server ({e.GetType().Name}: {e.Message}). The server is still running; try again, and report the problem if it repeats.");
                    }
                },
            },
        };

        log.WriteLine($"[agentcode mcp] serving on stdio; data allowed from: {(settings.AllowList.Directories.Count == 0 ? "nowhere" : string.Join(", ", settings.AllowList.Directories))}; run record: {record.Path ?? "off"}");
        await using var transport = new StdioServerTransport("agentcode");
        await using var server = McpServer.Create(transport, options);
        try
        {
            await server.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return 0;
    }
}
