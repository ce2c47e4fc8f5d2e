// "Run in sandbox" code lenses: one at the top of a Python file for the whole file, and one on each '# %%'
// cell marker for the cell it starts. The lenses invoke the extension's agentcode.runCell command.
using System.Text.RegularExpressions;
using AgentCode.Server.Lsp;
using AgentCode.Server.Protocol;
using StreamJsonRpc;

namespace AgentCode.Server.Handlers;

/// <summary>Handles <c>textDocument/codeLens</c>.</summary>
internal sealed partial class CodeLensHandler(DocumentStore documents, ServerState state)
{
    /// <summary>Title of the lens that runs the whole file.</summary>
    public const string FileTitle = "Run in sandbox";

    /// <summary>Title of the lens that runs one cell.</summary>
    public const string CellTitle = "Run cell in sandbox";

    [GeneratedRegex(@"^\s*#\s?%%")]
    private static partial Regex CellMarker();

    /// <summary>The lenses of an open Python document; none for other or unknown documents, or one over the input size limit.</summary>
    [JsonRpcMethod(LspMethods.CodeLens, UseSingleObjectParameterDeserialization = true)]
    public IReadOnlyList<CodeLens> CodeLens(CodeLensParams parameters)
    {
        var document = documents.Get(parameters.TextDocument.Uri);
        if (document is null || !document.IsPython || state.InputLimit.Exceeds(document.Text, out _))
        {
            return [];
        }
        return Lenses(document.Uri, document.Text);
    }

    /// <summary>Computes the lenses of a text.</summary>
    public static IReadOnlyList<CodeLens> Lenses(string uri, string text)
    {
        var lines = text.Split('\n');
        var end = new Position(lines.Length - 1, lines[^1].TrimEnd('\r').Length);
        var lenses = new List<CodeLens> { Lens(FileTitle, uri, new LspRange(new Position(0, 0), end), 0) };
        var markers = new List<int>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (CellMarker().IsMatch(lines[i]))
            {
                markers.Add(i);
            }
        }
        for (var k = 0; k < markers.Count; k++)
        {
            var cellEnd = k + 1 < markers.Count ? new Position(markers[k + 1], 0) : end;
            lenses.Add(Lens(CellTitle, uri, new LspRange(new Position(markers[k], 0), cellEnd), markers[k]));
        }
        return lenses;
    }

    private static CodeLens Lens(string title, string uri, LspRange run, int line) =>
        new(new LspRange(new Position(line, 0), new Position(line, 0)),
            new LensCommand(title, AgentCodeMethods.RunCellCommand, [new RunCellArguments(uri, run)]));
}
