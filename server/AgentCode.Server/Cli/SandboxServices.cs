// Creates the real sandbox and checker (python.wasm under Wasmtime) for the commands that need them. python.wasm
// is compiled lazily on first use, so a missing file surfaces as a SandboxUnavailable error of the request that
// needed it, not as a crash at startup.
using AgentCode.Sandbox;
using AgentCode.Server.Handlers;
using AgentCode.Server.Lsp;

namespace AgentCode.Server.Cli;

internal static class SandboxServices
{
    /// <summary>
    /// The services over the real sandbox, logging to <paramref name="log"/>. The compiled interpreter (and the
    /// pre-initialized one, when there is one) is loaded in the background at once, so that the first check or run does
    /// not wait for it; a failure there is left to the first request to report.
    /// </summary>
    public static ServerServices Create(Action<string> log)
    {
        var sandbox = PythonSandbox.Create();
        _ = Task.Run(() =>
        {
            try
            {
                sandbox.WarmUp();
            }
            catch (SandboxUnavailableException)
            {
                // The request that needs the sandbox reports why it is unavailable.
            }
        });
        var guarded = new GuardedSandbox(sandbox, new PythonChecker(sandbox));
        return ServerServices.Create(guarded, guarded, log);
    }

    /// <summary>Turns "python.wasm cannot be loaded" into the typed RPC error.</summary>
    private sealed class GuardedSandbox(IPythonSandbox sandbox, IPythonChecker checker) : IPythonSandbox, IPythonChecker
    {
        public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken)
        {
            try
            {
                return await sandbox.RunAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (SandboxUnavailableException e)
            {
                throw RpcErrors.SandboxUnavailable(e.Message);
            }
        }

        public async Task<CheckResult> CheckAsync(string code, CancellationToken cancellationToken)
        {
            try
            {
                return await checker.CheckAsync(code, cancellationToken).ConfigureAwait(false);
            }
            catch (SandboxUnavailableException e)
            {
                throw RpcErrors.SandboxUnavailable(e.Message);
            }
        }
    }
}
