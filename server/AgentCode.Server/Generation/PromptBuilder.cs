// Builds what the model is told: the system prompt (an embedded resource), and the user message carrying the
// prompt with its context: the selection, the active file and the schema of each attached data file (CSV header
// and first rows), with the path under /data where the trial run mounts it.
using System.Reflection;
using System.Text;
using AgentCode.Sandbox;
using AgentCode.Server.Protocol;

namespace AgentCode.Server.Generation;

/// <summary>Composes the messages of a generation from embedded prompt templates.</summary>
public static class PromptBuilder
{
    /// <summary>Rows of each data file shown after its header.</summary>
    public const int SampleRows = 5;

    private const int MaxLineChars = 400;
    private const int MaxContextChars = 60_000;

    // The prompt files are read once per process, on first use.
    // The system prompt carries the capability card, rendered from the output contract both runtimes load.
    private static readonly Lazy<string> SystemPrompt = new(() => Resource("system.md").Replace("{{capabilities}}", CapabilityCard.Text, StringComparison.Ordinal));
    private static readonly Lazy<string> NoCodePrompt = new(() => Resource("no-code.md"));
    private static readonly Lazy<string> RepairPrompt = new(() => Resource("repair.md"));

    /// <summary>The system prompt.</summary>
    public static string System => SystemPrompt.Value;

    /// <summary>The system prompt whose capability card names the packages installed for the review panel.</summary>
    public static string SystemFor(IReadOnlyList<PanelPackage> panelPackages) =>
        panelPackages.Count == 0 ? System : Resource("system.md").Replace("{{capabilities}}", CapabilityCard.WithPanelPackages(panelPackages), StringComparison.Ordinal);

    /// <summary>The message sent when a reply had no code block.</summary>
    public static string NoCode => NoCodePrompt.Value;

    /// <summary>The repair message for a problem description.</summary>
    public static string Repair(string problem) => RepairPrompt.Value.Replace("{{problem}}", problem, StringComparison.Ordinal);

    /// <summary>The user message: the prompt followed by its context. Data files must exist (checked by the caller).</summary>
    public static string User(string prompt, GenerateContext? context)
    {
        var b = new StringBuilder();
        b.Append("## Task\n\n").Append(prompt.Trim()).Append("\n\n");
        if (!string.IsNullOrWhiteSpace(context?.Selection))
        {
            b.Append("## Selected code\n\n```python\n").Append(Clip(context.Selection)).Append("\n```\n\n");
        }
        if (context?.ActiveFile is { } file && !string.IsNullOrWhiteSpace(file.Text))
        {
            b.Append("## Active file: ").Append(file.Uri).Append("\n\n```python\n").Append(Clip(file.Text)).Append("\n```\n\n");
        }
        var data = context?.DataFiles ?? [];
        if (data.Count > 0)
        {
            b.Append("## Data files (read-only)\n\n");
            foreach (var path in data)
            {
                b.Append(DataSchema(path)).Append('\n');
            }
        }
        return b.ToString();
    }

    /// <summary>Where a data file appears inside the sandbox.</summary>
    public static string GuestPath(string hostPath) => "/data/" + new DataMount(hostPath).Name;

    /// <summary>Describes one data file: its guest path, size and, for text files, the header and first rows.</summary>
    public static string DataSchema(string hostPath)
    {
        var info = new FileInfo(hostPath);
        var b = new StringBuilder();
        b.Append("### ").Append(GuestPath(hostPath)).Append(" (").Append(info.Length).Append(" bytes)\n\n");
        var ext = info.Extension.ToLowerInvariant();
        if (ext is ".csv" or ".tsv" or ".txt" or ".json" or ".jsonl" or ".ndjson")
        {
            var lines = ReadHead(hostPath, SampleRows + 1);
            b.Append(ext is ".csv" or ".tsv" ? $"Header and first {SampleRows} rows:\n\n```\n" : $"First {SampleRows + 1} lines:\n\n```\n");
            foreach (var line in lines)
            {
                b.Append(line.Length > MaxLineChars ? line[..MaxLineChars] + "..." : line).Append('\n');
            }
            b.Append("```\n");
        }
        return b.ToString();
    }

    private static List<string> ReadHead(string path, int count)
    {
        var lines = new List<string>();
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        // Reads character by character so that a huge single-line file costs at most one clipped line.
        var line = new StringBuilder();
        int c;
        while (lines.Count < count && (c = reader.Read()) != -1)
        {
            if (c == '\n')
            {
                lines.Add(line.ToString().TrimEnd('\r'));
                line.Clear();
            }
            else if (line.Length <= MaxLineChars)
            {
                line.Append((char)c);
            }
        }
        if (lines.Count < count && line.Length > 0)
        {
            lines.Add(line.ToString().TrimEnd('\r'));
        }
        return lines;
    }

    private static string Clip(string s) => s.Length > MaxContextChars ? s[..MaxContextChars] + "\n# ... (clipped)" : s.TrimEnd();

    private static string Resource(string name)
    {
        var asm = typeof(PromptBuilder).Assembly;
        using var stream = asm.GetManifestResourceStream("AgentCode.Server.Generation.Prompts." + name)
            ?? throw new InvalidOperationException($"Missing embedded prompt {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Trim();
    }
}
