// The 'run' benchmark: a data-analysis script over a generated 20,000-row CSV, run in the sandbox in process (warm
// module, one Store per run as in the server), by the whole 'agentcode run' process, and by native python3 as the
// baseline; then the peak resident memory of the whole agentcode process against native python3.
using System.Globalization;
using System.Text;
using AgentCode.Sandbox;

/// <summary>Run latency and peak memory against native <c>python3</c>.</summary>
internal static class RunBenchmark
{
    private const string Analysis = """
        import csv
        import statistics
        from collections import defaultdict

        with open(DATA, newline="") as f:
            rows = list(csv.DictReader(f))
        by_region = defaultdict(list)
        for row in rows:
            by_region[row["region"]].append(float(row["amount"]))
        for region, amounts in sorted(by_region.items()):
            print(f"{region:<6} n={len(amounts)} mean={statistics.mean(amounts):.2f} p90={statistics.quantiles(amounts, n=10)[-1]:.2f}")
        top = sorted(rows, key=lambda r: float(r["amount"]), reverse=True)[:5]
        print([r["id"] for r in top])
        """;

    public static void Run(PythonSandbox sandbox, string python, string? agentcode, int iterations)
    {
        var dir = Directory.CreateTempSubdirectory("agentcode-bench-run-");
        try
        {
            var csv = Path.Combine(dir.FullName, "sales.csv");
            File.WriteAllText(csv, Data(20_000));
            var guestScript = Path.Combine(dir.FullName, "guest.py");
            File.WriteAllText(guestScript, "DATA = \"/data/sales.csv\"\n" + Analysis);
            var nativeScript = Path.Combine(dir.FullName, "native.py");
            File.WriteAllText(nativeScript, $"DATA = {Quote(csv)}\n" + Analysis);

            Console.WriteLine();
            Console.WriteLine($"run: CSV summary over 20,000 rows, {iterations} iterations each (after warm-up)");
            var request = new RunRequest(File.ReadAllText(guestScript), [new DataMount(csv)], RunLimits.Default with { Timeout = TimeSpan.FromSeconds(60) });
            var first = sandbox.RunAsync(request, CancellationToken.None).GetAwaiter().GetResult();
            var expected = Bench.RunProcess(python, ["-I", "-S", nativeScript], null);
            if (first.Status != RunStatus.Ok || first.Stdout != expected)
            {
                throw new InvalidOperationException($"the sandbox and native python3 disagree: {first.Status} {first.Message}\n{first.Stdout}\n---\n{expected}");
            }

            var native = Bench.Measure(iterations, 1, () => Bench.RunProcess(python, ["-I", "-S", nativeScript], null));
            var inProcess = Bench.Measure(iterations, 1, () => sandbox.RunAsync(request, CancellationToken.None).GetAwaiter().GetResult());
            string[] wholeArgs = ["run", guestScript, "--data", csv, "--format", "json", "--timeout", "60"];
            var whole = agentcode is null ? null : Bench.Measure(iterations, 1, () => Bench.RunProcess(agentcode, wholeArgs, null));

            Bench.Header("", "p50 ms", "p95 ms", "p50 ratio");
            var baseline = Bench.Percentile(native, 50);
            Bench.Row("native python3 (baseline)", native, baseline);
            Bench.Row("run in-process (PythonSandbox)", inProcess, baseline);
            if (agentcode is not null && whole is not null)
            {
                Bench.Row("run whole process (agentcode run)", whole, baseline);
                var nativeRss = Bench.PeakRssMb(python, python, ["-I", "-S", nativeScript]);
                var wholeRss = Bench.PeakRssMb(python, agentcode, wholeArgs);
                Console.WriteLine();
                Bench.Header("peak resident memory", "MiB", "ratio");
                Console.WriteLine($"{"native python3 (baseline)",-40}{nativeRss,12:0.0}{1,11:0.0}x");
                Console.WriteLine($"{"whole process (agentcode run)",-40}{wholeRss,12:0.0}{wholeRss / nativeRss,11:0.0}x");
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string Quote(string path) => "\"" + path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Data(int rows)
    {
        var random = new Random(7);
        string[] regions = ["north", "south", "east", "west", "centre"];
        var sb = new StringBuilder("id,region,amount\n");
        for (var i = 0; i < rows; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{i},{regions[random.Next(regions.Length)]},{random.NextDouble() * 1000:0.00}\n");
        }

        return sb.ToString();
    }
}
