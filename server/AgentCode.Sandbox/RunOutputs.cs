// Turns the outputs runner.py reported into RunOutput values the host can trust the shape of, and checks every
// Vega-Lite chart: against the JSON schema shipped in the vega-lite npm package (with JsonSchema.Net), and for data
// it would have to fetch. A chart that fails either check fails the run with a sentence the repair loop sends back
// to the model, so the panel is never handed a chart it cannot draw.
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace AgentCode.Sandbox;

/// <summary>Validation of a run's outputs.</summary>
public static class RunOutputs
{
    private const int MaxNameLength = 255;
    private const int MaxProblems = 3;

    private static readonly Lazy<JsonSchema> VegaLiteSchema = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("AgentCode.Sandbox.vega-lite-schema.json")
            ?? throw new InvalidOperationException("The embedded Vega-Lite schema is missing from the build.");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The well-formed outputs of a result record; entries of an unknown type or shape are dropped.</summary>
    internal static IReadOnlyList<RunOutput> FromRecord(IReadOnlyList<GuestOutput>? outputs)
    {
        if (outputs is null)
        {
            return [];
        }

        var kept = new List<RunOutput>(outputs.Count);
        foreach (var o in outputs)
        {
            if (o.Mime is null || !IsPlainName(o.Name))
            {
                continue;
            }

            var encoding = OutputContract.Find(o.Mime)?.Encoding ?? (o.Mime == OutputContract.OtherFileMime ? OutputEncoding.Base64 : (OutputEncoding?)null);
            var ok = encoding switch
            {
                OutputEncoding.Text or OutputEncoding.Json => o.Text is not null && o.Base64 is null,
                OutputEncoding.Base64 => o.Base64 is not null && o.Text is null && IsBase64(o.Base64),
                _ => false,
            };
            if (ok)
            {
                kept.Add(new RunOutput(o.Mime, o.Text, o.Base64, o.Name));
            }
        }

        return kept;
    }

    /// <summary>
    /// The result, failed with a sentence when one of its Vega-Lite charts is invalid or would load data from
    /// anywhere but a mounted /data file; otherwise unchanged.
    /// </summary>
    public static RunResult CheckCharts(RunResult result, IReadOnlyList<DataMount> data)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(data);
        for (var i = 0; i < result.Outputs.Count; i++)
        {
            var output = result.Outputs[i];
            if (!OutputContract.IsVegaLite(output.Mime) || output.Text is null)
            {
                continue;
            }

            var problem = ChartProblem(output.Text, data);
            if (problem is not null)
            {
                var which = output.Name is null ? $"output {i + 1}" : $"{OutputContract.OutputDir}/{output.Name}";
                return result with
                {
                    Status = RunStatus.Error,
                    Message = $"The Vega-Lite chart ({which}) is not valid: {problem}",
                };
            }
        }

        return result;
    }

    /// <summary>Why a Vega-Lite spec cannot be drawn offline, or null when it can.</summary>
    public static string? ChartProblem(string specJson, IReadOnlyList<DataMount> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        JsonNode? spec;
        try
        {
            spec = JsonNode.Parse(specJson);
        }
        catch (JsonException ex)
        {
            return $"it is not JSON ({ex.Message}).";
        }

        if (spec is not JsonObject)
        {
            return "a spec is a JSON object.";
        }

        if (FirstUrl(spec, data) is { } url)
        {
            return $"it loads '{url}', and charts get no network. Put the rows in data.values, or read a mounted file as data.url \"{OutputContract.DataDir}/NAME\".";
        }

        using var document = JsonDocument.Parse(specJson);
        var evaluation = VegaLiteSchema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (evaluation.IsValid)
        {
            return null;
        }

        var problems = BestErrors(evaluation)
            .Select(e => $"at {Location(e.Location)}{ValueAt(spec, e.Location)}: {Readable(e.Message)}")
            .Distinct()
            .Take(MaxProblems)
            .ToList();
        return problems.Count == 0
            ? "it does not match the Vega-Lite schema."
            : string.Join("; ", problems) + " (checked against the Vega-Lite schema).";
    }

    /// <summary>
    /// The errors that explain a failed evaluation. Of the branches of a failed anyOf/oneOf, only the one that came
    /// closest (fewest errors, then the deepest) is followed, as jsonschema's best_match does, so a spec with one bad
    /// value is told about that value instead of every other kind of spec it is not.
    /// </summary>
    private static List<(string Location, string Message)> BestErrors(EvaluationResults result)
    {
        var found = new List<(string, string)>();
        if (result.IsValid)
        {
            return found;
        }

        var failing = (result.Details ?? []).Where(d => !d.IsValid).ToList();
        var branches = failing.Where(IsBranch).ToList();
        foreach (var (keyword, message) in result.Errors ?? new Dictionary<string, string>())
        {
            if (!(branches.Count > 0 && keyword is "anyOf" or "oneOf"))
            {
                found.Add((result.InstanceLocation.ToString(), message));
            }
        }

        foreach (var child in failing.Where(d => !IsBranch(d)))
        {
            found.AddRange(BestErrors(child));
        }

        if (branches.Count > 0)
        {
            found.AddRange(branches
                .Select(BestErrors)
                .OrderBy(e => e.Count)
                .ThenByDescending(e => e.Count == 0 ? -1 : e.Max(x => x.Location.Length))
                .First());
        }

        return found;
    }

    private static bool IsBranch(EvaluationResults result)
    {
        var parts = result.EvaluationPath.ToString().Split('/');
        return parts.Length >= 2 && parts[^2] is "anyOf" or "oneOf";
    }

    private static string Readable(string message) => message switch
    {
        "All values fail against the false schema" => "is not a property Vega-Lite knows here",
        "Value should match one of the values specified by the enum" => "is not one of the allowed values",
        _ when message.StartsWith("Expected ", StringComparison.Ordinal) => "is not one of the allowed values",
        _ => System.Text.RegularExpressions.Regex.Unescape(message),
    };

    /// <summary>" (value)" for the spec's value at a JSON pointer, shortened; empty when there is none.</summary>
    private static string ValueAt(JsonNode? node, string pointer)
    {
        foreach (var part in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)))
        {
            node = node switch
            {
                JsonObject o => o[part],
                JsonArray a when int.TryParse(part, out var i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
        }

        if (node is null || pointer.Length == 0)
        {
            return "";
        }

        var text = node.ToJsonString();
        return " (" + (text.Length > 60 ? text[..57] + "..." : text) + ")";
    }

    private static string Location(string pointer) => pointer.Length == 0 ? "the top level" : pointer;

    /// <summary>The first "url" value that is not a mounted /data file, anywhere in the spec.</summary>
    private static string? FirstUrl(JsonNode node, IReadOnlyList<DataMount> data)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "url" && value is JsonValue v && v.TryGetValue<string>(out var url) && !IsMountedData(url, data))
                    {
                        return url;
                    }

                    if (value is not null && FirstUrl(value, data) is { } found)
                    {
                        return found;
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null && FirstUrl(item, data) is { } found)
                    {
                        return found;
                    }
                }

                break;
        }

        return null;
    }

    private static bool IsMountedData(string url, IReadOnlyList<DataMount> data)
    {
        var prefix = OutputContract.DataDir + "/";
        return url.StartsWith(prefix, StringComparison.Ordinal) && data.Any(d => d.Name == url[prefix.Length..]);
    }

    private static bool IsPlainName(string? name) =>
        name is null || (name.Length is > 0 and <= MaxNameLength && !name.StartsWith('/') && !name.Split('/').Any(part => part is "" or "." or ".."));

    /// <summary>Whether the text is valid base64 (standard alphabet, padded).</summary>
    internal static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(text, buffer, out _);
    }
}
