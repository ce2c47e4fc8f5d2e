// The capability card: what the model is told the sandboxes offer, rendered from contract/capability_card.md with
// the values of contract/contract.json and the chart example contract/chart_example.py, the same files both runtimes
// load. A test runs the example and the contract's describe() in both runtimes and fails when they disagree with
// the card.
namespace AgentCode.Sandbox;

/// <summary>A package installed for the review panel only: its name in Pyodide's lock, version and import names.</summary>
public sealed record PanelPackage(string Name, string Version, IReadOnlyList<string> Imports);

/// <summary>The capability card the model reads, from the output contract.</summary>
public static class CapabilityCard
{
    private static readonly string[] ThirdPartyHints = ["numpy", "pandas", "matplotlib", "seaborn", "plotly", "altair", "scipy", "polars", "bokeh"];

    private static readonly Lazy<string> Rendered = new(() => Render(""));

    /// <summary>The chart example the card shows (reads <c>/data/sales.csv</c>, displays a Vega-Lite bar chart).</summary>
    public static string ChartExample { get; } = PythonResources.LoadContract("chart_example.py").TrimEnd();

    /// <summary>The card as Markdown, for sandboxes with the standard library only.</summary>
    public static string Text => Rendered.Value;

    /// <summary>
    /// The card for a user who installed packages in the review panel: it names them and says that a program
    /// importing one runs in the panel only (the server's trial run is skipped). Without packages, <see cref="Text"/>.
    /// </summary>
    public static string WithPanelPackages(IReadOnlyList<PanelPackage> packages) =>
        packages.Count == 0 ? Text : Render(PanelPackagesLine(packages));

    /// <summary>
    /// What to tell the model when its program imported a module the sandboxes lack: for a package people use for
    /// data work or charts, the chart route; null for other modules.
    /// </summary>
    public static string? MissingModuleAdvice(string? module)
    {
        var top = module?.Split('.')[0];
        if (top is null || !ThirdPartyHints.Contains(top, StringComparer.Ordinal))
        {
            return null;
        }

        return $"'{top}' is not available: both sandboxes have the Python standard library only. Compute with the standard library "
            + "(csv, statistics, collections) and draw charts as Vega-Lite: build the spec as a dict with the rows inline in data.values and "
            + $"display it with display({{\"application/vnd.vegalite.v5+json\": spec}}, raw=True). For example:\n\n```python\n{ChartExample}\n```";
    }

    private static string PanelPackagesLine(IReadOnlyList<PanelPackage> packages)
    {
        var list = string.Join(", ", packages.Select(p => $"{p.Name} {p.Version} (`import {string.Join("`, `import ", p.Imports)}`)"));
        return $"- **Installed in the review panel only:** {list}. Use them only when the task needs them. The server's trial run cannot "
            + "import them, so a program that does is not trial-run there and runs in the panel only; matplotlib draws with the "
            + "non-interactive Agg backend and its open figures are shown as PNG images.\n";
    }

    private static string Render(string panelPackages)
    {
        var mimeTypes = string.Join(", ", OutputContract.MimeTypes.Select(t => $"`{t.Mime}`"));
        var fileTypes = string.Join(", ", OutputContract.FileTypes.GroupBy(t => t.Mime).Select(g => $"{string.Join("/", g.Select(t => $"`{t.Extension}`"))} as {g.Key}"));
        return PythonResources.LoadContract("capability_card.md")
            .Replace("{{python}}", OutputContract.PythonVersion, StringComparison.Ordinal)
            .Replace("{{panelPackages}}", panelPackages, StringComparison.Ordinal)
            .Replace("{{dataDir}}", OutputContract.DataDir, StringComparison.Ordinal)
            .Replace("{{outputDir}}", OutputContract.OutputDir, StringComparison.Ordinal)
            .Replace("{{display}}", string.Join(", ", OutputContract.DisplayApi), StringComparison.Ordinal)
            .Replace("{{mimeTypes}}", mimeTypes, StringComparison.Ordinal)
            .Replace("{{fileTypes}}", fileTypes, StringComparison.Ordinal)
            .Replace("{{outputFiles}}", OutputContract.OutputFiles.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{outputMiB}}", (OutputContract.OutputBytes / (1024 * 1024)).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{example}}", ChartExample, StringComparison.Ordinal)
            .Trim();
    }
}
