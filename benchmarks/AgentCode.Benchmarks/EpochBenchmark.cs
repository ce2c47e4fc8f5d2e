// The 'epoch' benchmark: how the epoch interruption settings (tick length, ticks between checks of the stop
// signal, none at all) trade CPU-bound speed against how late a cancellation lands. Each setting gets its own
// sandbox; n-body measures the speed, a cancelled busy loop the stop latency (cancel to result).
using System.Diagnostics;
using AgentCode.Sandbox;

/// <summary>Epoch interruption overhead and stop latency per setting.</summary>
internal static class EpochBenchmark
{
    public static void Run(SandboxOptions options, int iterations)
    {
        EpochSettings[] settings =
        [
            new(TimeSpan.FromMilliseconds(10), 1, Interrupt: false),
            EpochSettings.Default,
            new(TimeSpan.FromMilliseconds(10), 4),
            new(TimeSpan.FromMilliseconds(40), 1),
            new(TimeSpan.FromMilliseconds(1), 1),
        ];
        var nbody = new RunRequest($"STEPS = {RunBenchmark.NbodySteps}\n" + RunBenchmark.LoadWorkload("nbody.py"), [], RunLimits.Default with { Timeout = TimeSpan.FromSeconds(120) });
        var loop = new RunRequest("while True:\n    pass\n", [], RunLimits.Default with { Timeout = TimeSpan.FromSeconds(60) });
        Console.WriteLine();
        Console.WriteLine($"epoch: n-body ({RunBenchmark.NbodySteps:N0} steps, 3 runs) and stop latency (cancel a busy loop, {iterations} runs) per setting");
        Console.WriteLine($"{"setting",-28}{"n-body p50 ms",15}{"cpu p50 ms",12}{"cpu vs none",13}{"stop p50 ms",13}{"stop max ms",13}");
        double? none = null;
        foreach (var epoch in settings)
        {
            using var sandbox = PythonSandbox.Create(options, epoch);
            sandbox.WarmUp();
            var samples = Bench.Measure(3, 1, () => Expect(sandbox.RunAsync(nbody, CancellationToken.None).GetAwaiter().GetResult(), RunStatus.Ok));
            var speed = Bench.Percentile(samples, 50);
            var cpu = samples.Cpu.Count > 0 ? Bench.Percentile(samples.Cpu, 50) : double.NaN;
            none ??= cpu;
            var stop = epoch.Interrupt ? Enumerable.Range(0, iterations).Select(_ => StopLatency(sandbox, loop)).ToList() : null;
            var stopText = stop is null ? $"{"never",13}{"never",13}" : $"{Bench.Percentile(stop, 50),13:0.0}{stop.Max(),13:0.0}";
            Console.WriteLine($"{epoch,-28}{speed,15:0}{cpu,12:0}{cpu / none.Value,12:0.00}x{stopText}");
        }
    }

    private static double StopLatency(PythonSandbox sandbox, RunRequest loop)
    {
        using var cts = new CancellationTokenSource();
        var run = sandbox.RunAsync(loop, cts.Token);
        // Long enough for the interpreter to start and enter the loop.
        Thread.Sleep(600);
        var clock = Stopwatch.StartNew();
        cts.Cancel();
        Expect(run.GetAwaiter().GetResult(), RunStatus.Timeout);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static RunResult Expect(RunResult result, RunStatus status) =>
        result.Status == status ? result : throw new InvalidOperationException($"expected {status}, got {result.Status}: {result.Message}");
}
