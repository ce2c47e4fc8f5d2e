// The services behind the handlers and the command line, created in one place.
using AgentCode.Sandbox;
using AgentCode.Server.Generation;

namespace AgentCode.Server.Lsp;

/// <summary>The checker, the sandbox and the generation loop.</summary>
/// <param name="Checker">Checks Python source.</param>
/// <param name="Sandbox">Runs Python source.</param>
/// <param name="Generation">The generate, check, run and repair loop.</param>
internal sealed record ServerServices(IPythonChecker Checker, IPythonSandbox Sandbox, GenerationService Generation)
{
    /// <summary>Creates the services over a sandbox and a checker.</summary>
    public static ServerServices Create(IPythonSandbox sandbox, IPythonChecker checker, Action<string> log) =>
        new(checker, sandbox, new GenerationService(new ChatModelClient(log), checker, sandbox));
}
