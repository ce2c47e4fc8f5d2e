// The 'run' benchmark: three workloads (hello, a data analysis over a generated 20,000-row CSV, a pure-Python
// n-body simulation) run by native python3 as the baseline, in the sandbox in process (warm module, one Store per
// run as in the server) and by the whole 'agentcode run' process, with ratios; then the peak resident memory of the
// whole agentcode process against native python3.
using System.Globalization;
using System.Text;
using AgentCode.Sandbox;

/// <summary>Run latency and peak memory against native <c>python3</c>.</summary>
internal static class RunBenchmark
{
    /// <summary>One program, the same for every runner but for the prelude that names its data file.</summary>
    private sealed record Workload(string Name, string Source, int Iterations, bool NeedsData);

    /// <summary>Steps of the n-body simulation: about half a second of native CPython.</summary>
    public const int NbodySteps = 50_000;

    public static string LoadWorkload(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Workloads", file));

    public static void Run(PythonSandbox sandbox, string python, string? agentcode, int iterations)
    {
        var dir = Directory.CreateTempSubdirectory("agentcode-bench-run-");
        try
        {
            var csv = Path.Combine(dir.FullName, "sales.csv");
            File.WriteAllText(csv, Data(20_000));
            Workload[] workloads =
            [
                new("hello", "print('hello')\n", Math.Max(5, iterations), false),
                new("CSV analysis, 20,000 rows", LoadWorkload("sales.py"), Math.Max(3, iterations / 4), true),
                new($"n-body, {NbodySteps:N0} steps", $"STEPS = {NbodySteps}\n" + LoadWorkload("nbody.py"), 3, false),
            ];

            var summary = new List<(string Name, double Native, double InProcess, double? Whole)>();
            foreach (var w in workloads)
            {
                summary.Add(RunWorkload(sandbox, python, agentcode, dir.FullName, csv, w));
            }

            Console.WriteLine();
            Console.WriteLine("run summary (wall-clock p50 ms, ratio to native python3; on a busy machine the CPU columns above are steadier)");
            Console.WriteLine($"{"workload",-30}{"native",10}{"in-process",14}{"ratio",8}{"agentcode run",16}{"ratio",8}");
            foreach (var (name, native, inProcess, whole) in summary)
            {
                var wholeText = whole is { } w ? $"{w,16:0}{w / native,7:0.0}x" : $"{"-",16}{"-",8}";
                Console.WriteLine($"{name,-30}{native,10:0}{inProcess,14:0}{inProcess / native,7:0.0}x{wholeText}");
            }

            // The targets of the sandbox speed work, on the wall clock of a quiet machine.
            var (_, _, helloInProcess, helloWhole) = summary[0];
            var (_, nbodyNative, nbodyInProcess, _) = summary[2];
            Console.WriteLine($"target: n-body in process <= 3x native: {Verdict(nbodyInProcess <= 3 * nbodyNative)} ({nbodyInProcess / nbodyNative:0.0}x)");
            Console.WriteLine($"target: hello in process <= 60 ms: {Verdict(helloInProcess <= 60)} ({helloInProcess:0} ms)");
            if (helloWhole is { } wholeHello)
            {
                Console.WriteLine($"target: agentcode run of hello <= 250 ms: {Verdict(wholeHello <= 250)} ({wholeHello:0} ms)");
            }

            if (agentcode is not null)
            {
                var hello = Path.Combine(dir.FullName, "hello-guest.py");
                string[] wholeArgs = ["run", hello, "--format", "json"];
                var nativeRss = Bench.PeakRssMb(python, python, ["-I", "-S", Path.Combine(dir.FullName, "hello-native.py")]);
                var wholeRss = Bench.PeakRssMb(python, agentcode, wholeArgs);
                Console.WriteLine();
                Bench.Header("peak resident memory (hello)", "MiB", "ratio");
                Console.WriteLine($"{"native python3 (baseline)",-40}{nativeRss,12:0.0}{1,11:0.0}x");
                Console.WriteLine($"{"whole process (agentcode run)",-40}{wholeRss,12:0.0}{wholeRss / nativeRss,11:0.0}x");
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static (string, double, double, double?) RunWorkload(PythonSandbox sandbox, string python, string? agentcode, string dir, string csv, Workload w)
    {
        var slug = w.Name.Split(' ', ',')[0].ToLowerInvariant();
        var guestScript = Path.Combine(dir, $"{slug}-guest.py");
        File.WriteAllText(guestScript, (w.NeedsData ? "DATA = \"/data/sales.csv\"\n" : "") + w.Source);
        var nativeScript = Path.Combine(dir, $"{slug}-native.py");
        File.WriteAllText(nativeScript, (w.NeedsData ? $"DATA = {Quote(csv)}\n" : "") + w.Source);
        DataMount[] data = w.NeedsData ? [new DataMount(csv)] : [];

        Console.WriteLine();
        Console.WriteLine($"run: {w.Name}, {w.Iterations} iterations each (after warm-up)");
        var request = new RunRequest(File.ReadAllText(guestScript), data, RunLimits.Default with { Timeout = TimeSpan.FromSeconds(120) });
        var first = sandbox.RunAsync(request, CancellationToken.None).GetAwaiter().GetResult();
        var expected = Bench.RunProcess(python, ["-I", "-S", nativeScript], null);
        if (first.Status != RunStatus.Ok || first.Stdout != expected)
        {
            throw new InvalidOperationException($"the sandbox and native python3 disagree on {w.Name}: {first.Status} {first.Message}\n{first.Stdout}\n---\n{expected}");
        }

        var native = Bench.Measure(w.Iterations, 1, () => Bench.RunProcess(python, ["-I", "-S", nativeScript], null));
        var inProcess = Bench.Measure(w.Iterations, 1, () => sandbox.RunAsync(request, CancellationToken.None).GetAwaiter().GetResult());
        List<string> wholeArgs = ["run", guestScript, "--format", "json", "--timeout", "120"];
        if (w.NeedsData)
        {
            wholeArgs.AddRange(["--data", csv]);
        }

        var whole = agentcode is null ? null : Bench.Measure(w.Iterations, 1, () => Bench.RunProcess(agentcode, wholeArgs, null));

        Bench.Header("", "p50 ms", "p95 ms", "p50 ratio", "cpu p50 ms", "cpu ratio");
        var baseline = Bench.Percentile(native, 50);
        double? cpuBaseline = native.Cpu.Count > 0 ? Math.Max(1, Bench.Percentile(native.Cpu, 50)) : null;
        Bench.Row("native python3 (baseline)", native, baseline, cpuBaseline);
        Bench.Row("run in-process (PythonSandbox)", inProcess, baseline, cpuBaseline);
        if (whole is not null)
        {
            Bench.Row("run whole process (agentcode run)", whole, baseline, cpuBaseline);
        }

        return (w.Name, baseline, Bench.Percentile(inProcess, 50), whole is null ? null : Bench.Percentile(whole, 50));
    }

    private static string Verdict(bool met) => met ? "met" : "NOT met";

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
