// One sandbox (one compiled python.wasm) shared by every test in the assembly, so the module is compiled or
// loaded from the disk cache once per test run.
using AgentCode.Sandbox;

[assembly: Xunit.CollectionBehavior(DisableTestParallelization = false, MaxParallelThreads = 2)]

namespace AgentCode.Sandbox.Tests;

public sealed class SandboxFixture : IDisposable
{
    public SandboxFixture()
    {
        Sandbox = PythonSandbox.Create(SandboxOptions.FromEnvironment());
        Sandbox.WarmUp();
        Checker = new PythonChecker(Sandbox);
    }

    public PythonSandbox Sandbox { get; }

    public PythonChecker Checker { get; }

    public static RunLimits Quick { get; } = RunLimits.Default with { Timeout = TimeSpan.FromSeconds(20) };

    public Task<RunResult> RunAsync(string code, RunLimits? limits = null, IReadOnlyList<DataMount>? data = null, CancellationToken cancellationToken = default) =>
        Sandbox.RunAsync(new RunRequest(code, data ?? [], limits ?? Quick), cancellationToken);

    public void Dispose() => Sandbox.Dispose();
}

[Xunit.CollectionDefinition(Name)]
public sealed class SharedSandbox : Xunit.ICollectionFixture<SandboxFixture>
{
    public const string Name = "sandbox";
}
