// The 'check' benchmark: a generated 300-line script checked in process (PythonChecker on a warm sandbox), by the
// whole 'agentcode check' process, and by native python3's ast.parse as the baseline.
using System.Globalization;
using System.Text;
using AgentCode.Sandbox;

/// <summary>Check latency against native <c>ast.parse</c>.</summary>
internal static class CheckBenchmark
{
    public static void Run(PythonSandbox sandbox, string python, string? agentcode, int iterations)
    {
        var script = Script.Generate(300);
        var scriptPath = Path.Combine(Path.GetTempPath(), $"agentcode-bench-{Environment.ProcessId}.py");
        File.WriteAllText(scriptPath, script);
        try
        {
            Console.WriteLine();
            Console.WriteLine($"check: {script.Count(c => c == '\n')}-line script, {iterations} iterations each (after warm-up)");
            var checker = new PythonChecker(sandbox);
            var first = checker.Check(script, CancellationToken.None);
            if (first.SyntaxErrors.Count > 0)
            {
                throw new InvalidOperationException("the generated script does not parse: " + first.SyntaxErrors[0].Message);
            }

            var inProcess = Bench.Measure(iterations, 3, () => checker.Check(script, CancellationToken.None));
            var native = Bench.Measure(iterations, 3, () => Bench.RunProcess(python, ["-c", "import ast,sys; ast.parse(sys.stdin.read())"], script));
            var whole = agentcode is null
                ? null
                : Bench.Measure(Math.Max(5, iterations / 2), 1, () => Bench.RunProcess(agentcode, ["check", scriptPath, "--format", "json"], null, okCodes: [0, 1]));

            Bench.Header("", "p50 ms", "p95 ms", "p50 ratio");
            var baseline = Bench.Percentile(native, 50);
            Bench.Row("native python3 ast.parse (baseline)", native, baseline);
            Bench.Row("check in-process (PythonChecker)", inProcess, baseline);
            if (whole is not null)
            {
                Bench.Row("check whole process (agentcode)", whole, baseline);
            }

            var p50 = Bench.Percentile(inProcess, 50);
            Console.WriteLine($"target: in-process p50 <= 60 ms: {(p50 <= 60 ? "met" : "NOT met")} ({p50:0.0} ms)");
        }
        finally
        {
            File.Delete(scriptPath);
        }
    }
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
