// Benchmarks of the server sandbox against native python3 measured in the same run: 'check' latency and 'run'
// latency and peak memory. Prints figures and ratios; asserts nothing (speed is never a test).
// Usage: dotnet run -c Release --project benchmarks/AgentCode.Benchmarks [-- --iterations N --agentcode PATH --only check|run|epoch]
using System.Globalization;
using AgentCode.Sandbox;

var iterations = 40;
string? agentcode = null;
string? only = null;
for (var i = 0; i < args.Length - 1; i++)
{
    switch (args[i])
    {
        case "--iterations": iterations = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--agentcode": agentcode = args[++i]; break;
        case "--only": only = args[++i]; break;
    }
}

agentcode ??= Bench.FindAgentcode();
if (agentcode is null)
{
    Console.WriteLine("whole-process figures: skipped (agentcode executable not found; pass --agentcode PATH)");
}
else
{
    Console.WriteLine($"whole process: {agentcode} (built {File.GetLastWriteTime(agentcode):yyyy-MM-dd HH:mm}; `npm run package` makes the self-contained one in extension/server, which is preferred)");
}

using var sandbox = PythonSandbox.Create(SandboxOptions.FromEnvironment());
var load = System.Diagnostics.Stopwatch.StartNew();
sandbox.WarmUp();
Console.WriteLine($"module load: {load.Elapsed.TotalMilliseconds:0} ms ({(sandbox.LoadedFromCache ? "from the disk cache" : "compiled; cached for next time")})");
Console.WriteLine($"interpreter: {sandbox.Options.PythonWasmPath}; runs start from {(sandbox.Runtime.Snapshot is { } snapshot ? $"a pre-initialized snapshot ({snapshot.MemoryBytes / (1024 * 1024)} MiB of memory, {snapshot.ChangedBytes / (1024.0 * 1024):0.0} MiB of it copied per run)" : "a fresh interpreter start-up")}");
var python = Bench.NativePython();

if (only is null or "check")
{
    CheckBenchmark.Run(sandbox, python, agentcode, iterations);
}

if (only is null or "run")
{
    RunBenchmark.Run(sandbox, python, agentcode, Math.Max(5, iterations / 2));
}

// Not part of the default run: it compiles python.wasm a second time (without epoch checks) and takes minutes.
if (only is "epoch")
{
    EpochBenchmark.Run(sandbox.Options, Math.Max(5, iterations / 4));
}

return 0;
