// The services behind the handlers and the command line, created in one place.
using AgentCode.Sandbox;
using AgentCode.Server.Generation;

namespace AgentCode.Server.Lsp;

/// <summary>The checker, the sandbox behind its run queue, and the generation loop.</summary>
/// <param name="Checker">Checks Python source.</param>
/// <param name="Runs">Runs Python source, one queue for every run of the server.</param>
/// <param name="Generation">The generate, check, run and repair loop (its trial runs use <paramref name="Runs"/>).</param>
internal sealed record ServerServices(IPythonChecker Checker, RunQueue Runs, GenerationService Generation)
{
    /// <summary>Runs Python source.</summary>
    public IPythonSandbox Sandbox => Runs;

    /// <summary>Creates the services over a sandbox and a checker.</summary>
    public static ServerServices Create(IPythonSandbox sandbox, IPythonChecker checker, Action<string> log)
    {
        var runs = new RunQueue(sandbox);
        return new(checker, runs, new GenerationService(new ChatModelClient(log), checker, runs));
    }
}
