// Behaviour of ordinary runs: output, errors with tracebacks limited to the user's frames, exit codes, data files.
using AgentCode.Sandbox;
using Xunit;

namespace AgentCode.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class RunTests(SandboxFixture fixture)
{
    [Fact]
    public async Task ItPrintsWhatTheProgramPrints()
    {
        var result = await fixture.RunAsync("print('hello', 6 * 7)");
        Assert.Equal(RunStatus.Ok, result.Status);
        Assert.Equal("hello 42\n", result.Stdout);
        Assert.Equal("", result.Stderr);
    }
}
