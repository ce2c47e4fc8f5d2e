// Charts in generation: the model is told the capability card (the chart route, /data, /output), an invalid
// Vega-Lite spec fails the trial run with the schema's sentence and is repaired, and importing a data package the
// sandboxes lack is answered with the chart route.
using AgentCode.Sandbox;
using AgentCode.Server.Tests.Infrastructure;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class GenerateChartTests
{
    private static string Chart(string mark) => """
        import csv
        from collections import defaultdict
        totals = defaultdict(float)
        with open('/data/sales.csv', newline='') as f:
            for row in csv.DictReader(f):
                totals[row['region']] += float(row['amount'])
        rows = [{'region': r, 'total': t} for r, t in sorted(totals.items())]
        display({'application/vnd.vegalite.v5+json': {'data': {'values': rows}, 'mark': 'MARK',
                 'encoding': {'x': {'field': 'region', 'type': 'nominal'}, 'y': {'field': 'total', 'type': 'quantitative'}}}}, raw=True)
        """.Replace("MARK", mark, StringComparison.Ordinal);

    [Fact]
    public async Task AnInvalidVegaLiteSpecIsSentBackWithTheSchemaSentenceAndTheRepairedChartPasses()
    {
        var csv = TestData.SalesCsv();
        using var server = new ScriptedOpenAiServer().Enqueue(ScriptedReply.Code(Chart("barz")), ScriptedReply.Code(Chart("bar")));
        await using var client = await LspTestClient.StartInitializedAsync(GenerateTests.Settings(server));

        var result = await client.RequestAsync("agentcode/generate", new { prompt = "Bar chart of total sales per region", context = new { dataFiles = new[] { csv } } });

        var attempts = result.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal("error", attempts[0].GetProperty("run").GetProperty("status").GetString());
        Assert.Contains("Vega-Lite", attempts[0].GetProperty("run").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(result.GetProperty("final").GetProperty("ok").GetBoolean());
        var output = Assert.Single(attempts[1].GetProperty("run").GetProperty("outputs").EnumerateArray());
        Assert.Equal("application/vnd.vegalite.v5+json", output.GetProperty("mime").GetString());
        Assert.Contains("\"bar\"", output.GetProperty("text").GetString(), StringComparison.Ordinal);

        var repair = server.Requests[1].LastMessage;
        Assert.Contains("The Vega-Lite chart (output 1) is not valid: at /mark (\"barz\")", repair, StringComparison.Ordinal);
        // The model was told the chart route and the sandbox's limits up front.
        var system = server.Requests[0].AllMessages;
        Assert.Contains(CapabilityCard.Text, system, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportingPandasIsAnsweredWithTheChartRoute()
    {
        var csv = TestData.SalesCsv();
        using var server = new ScriptedOpenAiServer().Enqueue(
            ScriptedReply.Code("import pandas as pd\nprint(pd.read_csv('/data/sales.csv'))"),
            ScriptedReply.Code(Chart("bar")));
        await using var client = await LspTestClient.StartInitializedAsync(GenerateTests.Settings(server));

        var result = await client.RequestAsync("agentcode/generate", new { prompt = "Chart the sales", context = new { dataFiles = new[] { csv } } });

        Assert.True(result.GetProperty("final").GetProperty("ok").GetBoolean());
        var repair = server.Requests[1].LastMessage;
        Assert.Contains("ModuleNotFoundError", repair, StringComparison.Ordinal);
        Assert.Contains("'pandas' is not available", repair, StringComparison.Ordinal);
        Assert.Contains("application/vnd.vegalite.v5+json", repair, StringComparison.Ordinal);
        Assert.Contains(CapabilityCard.ChartExample, repair, StringComparison.Ordinal);
    }
}
