// Shared test settings: bounded parallelism for 2 busy cores, and small helpers for data files.
[assembly: Xunit.CollectionBehavior(MaxParallelThreads = 2)]

namespace AgentCode.Server.Tests;

internal static class TestData
{
    /// <summary>A fresh directory holding a small sales CSV; returns the CSV's path.</summary>
    public static string SalesCsv()
    {
        var dir = Directory.CreateTempSubdirectory("agentcode-test-");
        var path = Path.Combine(dir.FullName, "sales.csv");
        File.WriteAllText(path, "region,month,amount\nnorth,2026-01,120.5\nnorth,2026-02,98.0\nsouth,2026-01,210.25\nsouth,2026-02,180.75\neast,2026-01,50\neast,2026-02,60\n");
        return path;
    }

    /// <summary>A program that sums the sales CSV mounted at /data/sales.csv.</summary>
    public const string SumSales = "import csv\nwith open('/data/sales.csv', newline='') as f:\n    rows = list(csv.DictReader(f))\nprint('total', sum(float(r['amount']) for r in rows))";

    /// <summary>The output of <see cref="SumSales"/> for <see cref="SalesCsv"/>.</summary>
    public const string SumSalesOutput = "total 719.5";
}
