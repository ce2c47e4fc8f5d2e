// The checker's capability summary (capabilities.py) in the real python.wasm: which /data files a program reads,
// whether it writes /output and what it imports, as the panel shows it before the user runs the code.
using AgentCode.Sandbox;
using Xunit;

namespace AgentCode.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class CapabilitySummaryTests(SandboxFixture fixture)
{
    private async Task<CodeCapabilities> Summary(string code)
    {
        var result = await fixture.Checker.CheckAsync(code, CancellationToken.None);
        Assert.Empty(result.SyntaxErrors);
        return Assert.IsType<CodeCapabilities>(result.Capabilities);
    }

    [Fact]
    public async Task ItNamesTheDataFileACsvReaderOpensAndTheModulesItImports()
    {
        var summary = await Summary("import csv, json\nwith open('/data/sales.csv') as f:\n    rows = list(csv.DictReader(f))\nprint(json.dumps(rows))\n");
        Assert.Equal(["/data/sales.csv"], summary.Reads);
        Assert.False(summary.WritesOutput);
        Assert.Equal(["csv", "json"], summary.Imports);
    }

    [Fact]
    public async Task ItFollowsPathsBuiltFromAFolderNameWithPathlibAndOsPathJoin()
    {
        var summary = await Summary(
            "from pathlib import Path\nimport os.path\nimport pandas as pd\nDATA = Path('/data')\n"
            + "df = pd.read_csv(DATA / 'sales.csv')\nregions = os.path.join('/data', 'regions.json')\n"
            + "print(open(regions).read(), Path('/data/notes.txt').read_text())\n");
        Assert.Equal(["/data/sales.csv", "/data/regions.json", "/data/notes.txt"], summary.Reads);
        Assert.Equal(["os", "pandas", "pathlib"], summary.Imports);
    }

    [Fact]
    public async Task ItSaysWhenTheProgramWritesUnderOutput()
    {
        var summary = await Summary("import os\nos.makedirs('/output', exist_ok=True)\nwith open(f'/output/report-{1}.txt', 'w') as f:\n    f.write('x')\n");
        Assert.True(summary.WritesOutput);
        Assert.Empty(summary.Reads);
        Assert.Equal(["os"], summary.Imports);
    }

    [Fact]
    public async Task AFileNameOnlyKnownAtRunTimeCountsAsTheDataFolderAndARelativeImportIsNotAModule()
    {
        var summary = await Summary("import sys\nname = sys.argv[0]\nprint(open('/data/' + name).read())\nfrom . import sibling\n");
        Assert.Equal(["/data"], summary.Reads);
        Assert.False(summary.WritesOutput);
        Assert.Equal(["sys"], summary.Imports);
    }

    [Fact]
    public async Task AProgramThatDoesNotParseHasNoSummary()
    {
        var result = await fixture.Checker.CheckAsync("print(", CancellationToken.None);
        Assert.NotEmpty(result.SyntaxErrors);
        Assert.Null(result.Capabilities);
    }

    [Fact]
    public async Task TheSummaryComesWithTheFindingsOfTheSameCheck()
    {
        var result = await fixture.Checker.CheckAsync("import subprocess\nsubprocess.run(['cat', '/data/sales.csv'])\n", CancellationToken.None);
        Assert.Contains(result.Findings, f => f.RuleId == "AC101");
        Assert.Equal(["subprocess"], result.Capabilities?.Imports);
        Assert.Equal(["/data/sales.csv"], result.Capabilities?.Reads);
    }
}
