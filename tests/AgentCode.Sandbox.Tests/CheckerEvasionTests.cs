// The first evasions anyone tries against the checker, each of which must still end in a blocking finding, and a
// corpus of ordinary data-analysis programs (Benign/) that must get none: the rules see through the tricks without
// crying wolf at code that merely looks attributes up or formats strings.
using AgentCode.Sandbox;
using Xunit;

namespace AgentCode.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class CheckerEvasionTests(SandboxFixture fixture)
{
    private static readonly string CorpusDir = Path.Combine(AppContext.BaseDirectory, "Benign");

    private Task<CheckResult> Check(string code) => fixture.Checker.CheckAsync(code, CancellationToken.None);

    [Theory]
    [InlineData("AC104", "import pickle\nobj = pickle.loads(payload)")]
    [InlineData("AC104", "from pickle import loads\nobj = loads(payload)")]
    [InlineData("AC104", "import marshal\nmarshal.loads(blob)")]
    [InlineData("AC101", "import sys\nsys.modules['os'].system('ls')")]
    [InlineData("AC101", "import sys\nsys.modules.get('os').system('ls')")]
    [InlineData("AC101", "from os import *\nsystem('ls')")]
    [InlineData("AC101", "import posix\nposix.system('ls')")]
    [InlineData("AC106", "import posix")]
    [InlineData("AC101", "import os\nos.__dict__['system']('ls')")]
    [InlineData("AC101", "import os\nvars(os)['popen']('ls')")]
    [InlineData("AC101", "import operator, os\noperator.attrgetter('system')(os)('ls')")]
    [InlineData("AC101", "import operator, os\noperator.methodcaller('system', 'ls')(os)")]
    [InlineData("AC101", "import os\ngetattr(os, 'sys' + 'tem')('ls')")]
    [InlineData("AC101", "import os\ngetattr(os, '%s%s' % ('sys', 'tem'))('ls')")]
    [InlineData("AC101", "import os\ngetattr(os, 'metsys'[::-1])('ls')")]
    [InlineData("AC101", "import os\nname = 'metsys'[::-1]\ngetattr(os, name)('ls')")]
    [InlineData("AC101", "import os\ngetattr(os, 'sys{}'.format('tem'))('ls')")]
    [InlineData("AC101", "import os\ngetattr(os, ''.join(['sy', 'st', 'em']))('ls')")]
    [InlineData("AC107", "import os\ngetattr(os, 'metsys'[::-1 * 1])('ls')")]
    public async Task AnEvasionStillGetsABlockingFinding(string rule, string code)
    {
        var result = await Check(code);
        Assert.Empty(result.SyntaxErrors);
        Assert.Contains(result.Findings, f => f.RuleId == rule && f.Severity == Severity.Error);
        Assert.True(result.IsBlocking);
    }

    [Theory]
    [InlineData("import pandas as pd\ndf = pd.DataFrame()\ncolumn = 'mean'\nprint(getattr(df, column)())")]
    [InlineData("from math import *\nprint(sqrt(2), floor(2.5))")]
    [InlineData("import operator\nrows = sorted([{'a': 1}], key=operator.itemgetter('a'))")]
    [InlineData("label = '%s: %d' % ('total', 3)\nprint(label[::-1])")]
    public async Task OrdinaryCodeThatLooksSimilarIsNotBlocked(string code)
    {
        var result = await Check(code);
        Assert.False(result.IsBlocking, string.Join("; ", result.Findings.Select(f => f.RuleId + " " + f.Message)));
    }

    public static TheoryData<string> BenignPrograms()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(CorpusDir, "*.py").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Fact]
    public void TheBenignCorpusHasAtLeastTenPrograms() => Assert.True(BenignPrograms().Count >= 10, $"only {BenignPrograms().Count} benign programs");

    [Theory]
    [MemberData(nameof(BenignPrograms))]
    public async Task ABenignDataAnalysisProgramHasNoBlockingFinding(string program)
    {
        var result = await Check(File.ReadAllText(Path.Combine(CorpusDir, program)));
        Assert.Empty(result.SyntaxErrors);
        Assert.DoesNotContain(result.Findings, f => f.Severity == Severity.Error);
    }
}
