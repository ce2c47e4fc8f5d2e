// The input and output JSON schemas of the MCP tools, from the embedded Mcp/Schemas/*.json (the documents the
// tools list and docs/mcp.md describe), with the server's caps written into the run_python input schema. Call
// arguments are validated against the same input schema, so what is advertised is what is accepted.
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace AgentCode.Server.Mcp;

/// <summary>One tool's schemas.</summary>
internal sealed class ToolSchemas
{
    private readonly JsonSchema _input;

    private ToolSchemas(JsonObject input, JsonObject output)
    {
        Input = JsonSerializer.SerializeToElement(input);
        Output = JsonSerializer.SerializeToElement(output);
        _input = JsonSchema.FromText(input.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }

    /// <summary>The input schema as advertised.</summary>
    public JsonElement Input { get; }

    /// <summary>The output schema as advertised.</summary>
    public JsonElement Output { get; }

    /// <summary>The schemas of a tool, with <paramref name="adjust"/> applied to its input schema.</summary>
    public static ToolSchemas Load(string tool, Action<JsonObject>? adjust = null)
    {
        var input = Read($"{tool}.input.json");
        adjust?.Invoke(input);
        return new ToolSchemas(input, Read($"{tool}.output.json"));
    }

    /// <summary>Null when the arguments match the input schema, else the problems as one sentence.</summary>
    public string? Problems(JsonObject arguments)
    {
        using var document = JsonDocument.Parse(arguments.ToJsonString());
        var result = _input.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return null;
        }

        var problems = (result.Details ?? [])
            .Where(d => !d.IsValid && d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{Where(d.InstanceLocation.ToString())}: {e.Value}"))
            .Distinct()
            .Take(3)
            .ToList();
        return problems.Count == 0 ? "they do not match the input schema" : string.Join("; ", problems);
    }

    private static string Where(string pointer) => pointer.Length == 0 ? "the arguments" : pointer.TrimStart('/').Replace('/', '.');

    private static JsonObject Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"AgentCode.Server.Mcp.Schemas.{name}")
            ?? throw new InvalidOperationException($"The embedded schema {name} is missing from the build.");
        return JsonNode.Parse(stream)!.AsObject();
    }
}
