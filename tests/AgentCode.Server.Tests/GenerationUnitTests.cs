// The pure parts of generation: finding the code block in a reply and describing a data file to the model.
using AgentCode.Server.Generation;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class GenerationUnitTests
{
    [Fact]
    public void ThePythonBlockIsPreferredOverOtherBlocks()
    {
        var reply = "Run this:\n```bash\nls\n```\nand\n```python\nprint(1)\n```\n";
        Assert.Equal("print(1)\n", CodeExtractor.Extract(reply));
    }

    [Fact]
    public void AnUnlabelledBlockIsAcceptedButAnUnclosedOneIsNot()
    {
        Assert.Equal("x = 1\n", CodeExtractor.Extract("```\nx = 1\n```"));
        Assert.Null(CodeExtractor.Extract("```python\nprint(1)\n"));
        Assert.Null(CodeExtractor.Extract("No code here."));
    }

    [Fact]
    public void ADataFileIsDescribedByItsGuestPathHeaderAndFirstFiveRows()
    {
        var csv = TestData.SalesCsv();
        var schema = PromptBuilder.DataSchema(csv);
        Assert.Contains("/data/sales.csv", schema, StringComparison.Ordinal);
        Assert.Contains("region,month,amount", schema, StringComparison.Ordinal);
        Assert.Contains("east,2026-01,50", schema, StringComparison.Ordinal);
        Assert.DoesNotContain("east,2026-02,60", schema, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSystemPromptIsAnEmbeddedResource()
    {
        Assert.Contains("/data", PromptBuilder.System, StringComparison.Ordinal);
        Assert.Contains("NameError", PromptBuilder.Repair("NameError: x"), StringComparison.Ordinal);
    }
}
