// Measures 'check' on a generated 300-line script three ways in one run: in-process (PythonChecker on a warm
// sandbox), whole process ('agentcode check FILE'), and the native baseline
// (python3 -c "import ast,sys; ast.parse(sys.stdin.read())"). Prints p50/p95 and the ratios to the baseline.
// Usage: dotnet run -c Release --project benchmarks/AgentCode.Benchmarks [-- --iterations N --agentcode PATH]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using AgentCode.Sandbox;

var iterations = 40;
string? agentcode = null;
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--iterations")
    {
        iterations = int.Parse(args[++i], CultureInfo.InvariantCulture);
    }
    else if (args[i] == "--agentcode")
    {
        agentcode = args[++i];
    }
}

agentcode ??= FindAgentcode();
var script = Script.Generate(300);
var scriptPath = Path.Combine(Path.GetTempPath(), $"agentcode-bench-{Environment.ProcessId}.py");
File.WriteAllText(scriptPath, script);
Console.WriteLine($"check benchmark: {script.Count(c => c == '\n')}-line script, {iterations} iterations each (after warm-up)");

try
{
    using var sandbox = PythonSandbox.Create(SandboxOptions.FromEnvironment());
    var load = Stopwatch.StartNew();
    sandbox.WarmUp();
    Console.WriteLine($"module load: {load.Elapsed.TotalMilliseconds:0} ms ({(sandbox.LoadedFromCache ? "from the disk cache" : "compiled; cached for next time")})");
    var checker = new PythonChecker(sandbox);
    var first = checker.Check(script, CancellationToken.None);
    if (first.SyntaxErrors.Count > 0)
    {
        throw new InvalidOperationException("the generated script does not parse: " + first.SyntaxErrors[0].Message);
    }

    var inProcess = Measure(iterations, 3, () => checker.Check(script, CancellationToken.None));
    // The interpreter itself, not a launcher script (pyenv shims add hundreds of milliseconds).
    var python = RunProcess("python3", ["-c", "import sys; print(sys.executable)"], "").Trim();
    var native = Measure(iterations, 3, () => RunProcess(python, ["-c", "import ast,sys; ast.parse(sys.stdin.read())"], script));
    List<double>? whole = null;
    if (agentcode is not null)
    {
        whole = Measure(Math.Max(5, iterations / 2), 1, () => RunProcess(agentcode, ["check", scriptPath, "--format", "json"], null, okCodes: [0, 1]));
    }

    Console.WriteLine();
    Console.WriteLine($"{"",-34}{"p50 ms",10}{"p95 ms",10}{"p50 ratio",12}");
    var baseline = Percentile(native, 50);
    Row("native python3 ast.parse (baseline)", native, baseline);
    Row("check in-process (PythonChecker)", inProcess, baseline);
    if (whole is not null)
    {
        Row("check whole process (agentcode)", whole, baseline);
    }
    else
    {
        Console.WriteLine("whole process: skipped (agentcode executable not found; pass --agentcode PATH)");
    }

    var p50 = Percentile(inProcess, 50);
    Console.WriteLine();
    Console.WriteLine($"target: in-process p50 <= 60 ms: {(p50 <= 60 ? "met" : "NOT met")} ({p50:0.0} ms)");
    return 0;
}
finally
{
    File.Delete(scriptPath);
}

static void Row(string name, List<double> samples, double baseline) =>
    Console.WriteLine($"{name,-34}{Percentile(samples, 50),10:0.0}{Percentile(samples, 95),10:0.0}{Percentile(samples, 50) / baseline,11:0.0}x");

static List<double> Measure(int iterations, int warmup, Func<object> action)
{
    for (var i = 0; i < warmup; i++)
    {
        action();
    }

    var samples = new List<double>(iterations);
    for (var i = 0; i < iterations; i++)
    {
        var clock = Stopwatch.StartNew();
        action();
        samples.Add(clock.Elapsed.TotalMilliseconds);
    }

    return samples;
}

static double Percentile(List<double> samples, int percent)
{
    var sorted = samples.Order().ToArray();
    var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1;
    return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
}

static string RunProcess(string file, string[] arguments, string? stdin, int[]? okCodes = null)
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

static string? FindAgentcode()
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

    var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
    var candidate = Path.Combine(dir.FullName, "server", "AgentCode.Server", "bin", configuration, "net10.0", OperatingSystem.IsWindows() ? "agentcode.exe" : "agentcode");
    return File.Exists(candidate) ? candidate : null;
}

/// <summary>Builds a realistic, clean Python script of about the given number of lines.</summary>
internal static class Script
{
    public static string Generate(int lines)
    {
        var sb = new StringBuilder();
        sb.Append("\"\"\"Generated benchmark script: data cleaning helpers.\"\"\"\nimport csv\nimport json\nimport math\nfrom dataclasses import dataclass\n\n");
        var n = 0;
        while (sb.ToString().Split('\n').Length < lines - 12)
        {
            sb.Append(CultureInfo.InvariantCulture, $$"""

@dataclass
class Record{{n}}:
    name: str
    value: float = 0.0

    def scaled(self, factor: float) -> float:
        return self.value * factor + {{n}}


def summarize_{{n}}(rows: list[dict]) -> dict:
    total = 0.0
    names = []
    for i, row in enumerate(rows):
        if row.get("value") is None:
            continue
        total += float(row["value"]) * math.sqrt(i + 1)
        names.append(str(row.get("name", "")).strip().title())
    squares = [x * x for x in range(10) if x % 2 == 0]
    return {"total": total, "names": sorted(set(names)), "squares": squares, "label": f"group {{n}}"}

""");
            n++;
        }

        sb.Append("\n\ndef main() -> None:\n    rows = [{\"name\": \"a\", \"value\": 1.5}, {\"name\": \"b\", \"value\": None}]\n");
        sb.Append("    print(json.dumps(summarize_0(rows)))\n\n\nif __name__ == \"__main__\":\n    main()\n");
        var all = sb.ToString().Split('\n').ToList();
        while (all.Count < lines)
        {
            all.Insert(all.Count - 6, "# padding");
        }

        // Keeps the last lines (the main guard) when trimming the generated classes to the exact length.
        var kept = all.Take(lines - 8).Concat(all.TakeLast(8)).ToList();
        return string.Join('\n', kept.Take(lines)) + "\n";
    }
}
