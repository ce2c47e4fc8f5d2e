// 'agentcode run --output-dir DIR': writes a run's outputs as files, so the CLI is useful outside VS Code. A file
// the program wrote under /output keeps its path; a displayed output is named after its position and type
// (chart-1.vl.json for a Vega-Lite chart, output-2.svg, output-3.html, ...), with extensions from the contract.
using AgentCode.Sandbox;

namespace AgentCode.Server.Cli;

internal static class OutputDirectory
{
    /// <summary>The file name of the n-th (1-based) displayed output.</summary>
    public static string DisplayName(RunOutput output, int n)
    {
        if (OutputContract.IsVegaLite(output.Mime))
        {
            return $"chart-{n}.vl.json";
        }

        var extension = OutputContract.FileTypes.FirstOrDefault(t => t.Mime == output.Mime).Extension ?? ".bin";
        return $"output-{n}{extension}";
    }

    /// <summary>Writes every output into <paramref name="directory"/> (created if needed); returns the paths written.</summary>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<RunOutput> outputs)
    {
        var root = Path.GetFullPath(directory);
        Directory.CreateDirectory(root);
        var written = new List<string>();
        var displayed = 0;
        foreach (var output in outputs)
        {
            var relative = output.Name ?? DisplayName(output, ++displayed);
            var path = Path.GetFullPath(Path.Combine(root, relative));
            // RunOutputs only lets plain relative names through; this keeps every write inside the folder regardless.
            if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (output.Base64 is { } base64)
            {
                File.WriteAllBytes(path, Convert.FromBase64String(base64));
            }
            else
            {
                File.WriteAllText(path, output.Text ?? "");
            }

            written.Add(path);
        }

        return written;
    }
}
