// The checker end to end: CPython's parser for syntax errors and the policy analysis for findings.
using AgentCode.Sandbox;
using Xunit;

namespace AgentCode.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class CheckSmokeTests(SandboxFixture fixture)
{
    [Fact]
    public async Task ItReportsASyntaxErrorWithItsPosition()
    {
        var result = await fixture.Checker.CheckAsync("x = 1\ndef f(:\n    pass\n", CancellationToken.None);
        var error = Assert.Single(result.SyntaxErrors);
        Assert.Equal(1, error.Range.StartLine);
        Assert.Equal(6, error.Range.StartColumn);
        Assert.True(result.IsBlocking);
    }

    [Fact]
    public async Task ItFindsASubprocessImportUnderAnAlias()
    {
        var result = await fixture.Checker.CheckAsync("import subprocess as sp\nsp.run(['ls'])\n", CancellationToken.None);
        Assert.Contains(result.Findings, f => f.RuleId == "AC101" && f.Range.StartLine == 0);
        Assert.True(result.IsBlocking);
    }
}
