// Measurement helpers shared by the benchmarks: timing samples (wall clock and CPU time, the latter steady on a
// machine shared with other work), percentiles, table rows, running a child process, its peak resident memory, and
// finding the built agentcode executable.
using System.Diagnostics;
using System.Globalization;

/// <summary>Wall-clock samples in ms; <see cref="Cpu"/> holds the CPU time of the same runs.</summary>
internal sealed class Samples : List<double>
{
    public List<double> Cpu { get; } = [];
}

/// <summary>Timing, memory and process helpers for the benchmarks.</summary>
internal static class Bench
{
    public static void Header(string firstColumn, params string[] columns)
    {
        Console.WriteLine($"{firstColumn,-40}" + string.Concat(columns.Select(c => $"{c,12}")));
    }

    /// <summary>A row: wall p50, p95 and ratio, then (for <see cref="Samples"/>) CPU p50 and its ratio.</summary>
    public static void Row(string name, List<double> samples, double baseline, double? cpuBaseline = null)
    {
        var cpu = samples is Samples { Cpu.Count: > 0 } s && cpuBaseline is { } b
            ? $"{Percentile(s.Cpu, 50),12:0.0}{Percentile(s.Cpu, 50) / b,11:0.0}x"
            : "";
        Console.WriteLine($"{name,-40}{Percentile(samples, 50),12:0.0}{Percentile(samples, 95),12:0.0}{Percentile(samples, 50) / baseline,11:0.0}x{cpu}");
    }

    /// <summary>Wall-clock samples in ms, with the CPU time of each sample (this process and its children) in <see cref="Samples.Cpu"/>.</summary>
    public static Samples Measure(int iterations, int warmup, Func<object> action)
    {
        for (var i = 0; i < warmup; i++)
        {
            action();
        }

        var samples = new Samples();
        for (var i = 0; i < iterations; i++)
        {
            var cpu = CpuMilliseconds();
            var clock = Stopwatch.StartNew();
            action();
            samples.Add(clock.Elapsed.TotalMilliseconds);
            var used = CpuMilliseconds() - cpu;
            if (!double.IsNaN(used))
            {
                samples.Cpu.Add(used);
            }
        }

        return samples;
    }

    /// <summary>
    /// CPU time used so far by this process and its reaped children, in ms (Linux: /proc/self/stat utime, stime,
    /// cutime, cstime); NaN elsewhere. Includes the sandbox's helper threads and the runtime's GC, as a user pays.
    /// </summary>
    public static double CpuMilliseconds()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields 14-17 of stat(5), counted from 'state' (field 3) here.
            var ticks = Enumerable.Range(11, 4).Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
            return ticks * 1000.0 / 100; // USER_HZ is 100 on Linux
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    public static double Percentile(List<double> samples, int percent)
    {
        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public static string RunProcess(string file, IEnumerable<string> arguments, string? stdin, int[]? okCodes = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + file);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        process.WaitForExit();
        if (!(okCodes ?? [0]).Contains(process.ExitCode))
        {
            throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {error.Result}");
        }

        return output.Result;
    }

    /// <summary>The native interpreter itself, not a launcher script (pyenv shims add hundreds of milliseconds).</summary>
    public static string NativePython() => RunProcess("python3", ["-c", "import sys; print(sys.executable)"], "").Trim();

    /// <summary>
    /// Peak resident set size in MiB of a child process, as the kernel accounts it (getrusage of the children of a
    /// small python3 parent, which waits for the child). The same probe measures the baseline and AgentCode.
    /// </summary>
    public static double PeakRssMb(string python, string file, IEnumerable<string> arguments)
    {
        const string probe = "import resource, subprocess, sys\n"
            + "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)\n"
            + "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
        var kb = RunProcess(python, new[] { "-c", probe, file }.Concat(arguments), "");
        return double.Parse(kb.Trim(), CultureInfo.InvariantCulture) / 1024;
    }

    /// <summary>
    /// The agentcode executable a user runs: the self-contained ReadyToRun server that `npm run package` publishes for
    /// this machine (extension/server/, the same build as the CLI archive) when there is one, else the development
    /// build next to the sources; null when neither is built.
    /// </summary>
    public static string? FindAgentcode()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AgentCode.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            return null;
        }

        var exe = OperatingSystem.IsWindows() ? "agentcode.exe" : "agentcode";
        var packaged = Path.Combine(dir.FullName, "extension", "server", exe);
        if (File.Exists(packaged))
        {
            return packaged;
        }

        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var candidate = Path.Combine(dir.FullName, "server", "AgentCode.Server", "bin", configuration, "net10.0", exe);
        return File.Exists(candidate) ? candidate : null;
    }
}
