// Validation shared by the custom requests: resolving code from params or an open document within the input size
// limit, and checking that data files exist before anything runs.
using AgentCode.Server.Lsp;
using AgentCode.Server.Protocol;
using AgentCode.Server.Settings;

namespace AgentCode.Server.Handlers;

/// <summary>Turns request inputs into values, or a BadInput RPC error.</summary>
internal static class RequestInputs
{
    /// <summary>The code given, or the text of the open document; within <paramref name="limit"/>.</summary>
    public static string Code(string? code, string? uri, DocumentStore documents, InputLimit limit)
    {
        if (code is not null)
        {
            return Within(limit, code, "The code");
        }
        if (uri is null)
        {
            throw RpcErrors.BadInput("Give 'code' or the 'uri' of an open document.");
        }
        var text = documents.Get(uri)?.Text ?? throw RpcErrors.BadInput($"The document {uri} is not open: open it, or send its text as 'code'.");
        return Within(limit, text, "The document");
    }

    /// <summary>The text when it is within the limit, else a BadInput error saying so.</summary>
    public static string Within(InputLimit limit, string text, string what, object? errorData = null) =>
        limit.Refusal(text, what) is { } refusal ? throw RpcErrors.BadInput(refusal, errorData) : text;

    /// <summary>Largest number of panel packages a generation may name.</summary>
    public const int MaxPanelPackages = 1000;

    /// <summary>The panel's installed packages: a bounded list of plain names and Python import names.</summary>
    public static IReadOnlyList<PanelPackageInfo> PanelPackages(IReadOnlyList<PanelPackageInfo>? packages, object? errorData = null)
    {
        var list = packages ?? [];
        if (list.Count > MaxPanelPackages)
        {
            throw RpcErrors.BadInput($"More than {MaxPanelPackages} panel packages were named.", errorData);
        }
        foreach (var p in list)
        {
            var plain = p.Name is { Length: > 0 and <= 200 } && p.Version is { Length: <= 100 } && p.Imports is { Count: <= 100 };
            if (!plain || !p.Imports!.All(i => System.Text.RegularExpressions.Regex.IsMatch(i ?? "", @"^[A-Za-z_][A-Za-z0-9_]{0,199}$")))
            {
                throw RpcErrors.BadInput($"The panel package '{p.Name}' is not a package name with Python import names.", errorData);
            }
        }
        return list;
    }

    /// <summary>Full paths of the data files; every one must exist.</summary>
    public static IReadOnlyList<string> DataFiles(IReadOnlyList<string>? paths, object? errorData = null)
    {
        var list = new List<string>();
        foreach (var p in paths ?? [])
        {
            var full = Path.GetFullPath(p.StartsWith("file://", StringComparison.Ordinal) ? new Uri(p).LocalPath : p);
            if (!File.Exists(full))
            {
                throw RpcErrors.BadInput($"Data file not found: {p}. Attach an existing file.", errorData);
            }
            list.Add(full);
        }
        return list;
    }
}
