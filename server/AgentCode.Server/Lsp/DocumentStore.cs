// The open documents and their text, kept by incremental text sync: a change with a range replaces that range
// (0-based lines, UTF-16 columns, as LSP positions are), a change without one replaces the whole text. Safe to use
// from concurrent handlers.
using System.Collections.Concurrent;
using System.Text;
using AgentCode.Server.Protocol;

namespace AgentCode.Server.Lsp;

/// <summary>An open document's text and version.</summary>
internal sealed record OpenDocument(string Uri, string LanguageId, int? Version, string Text)
{
    /// <summary>Whether the server checks this document: language id <c>python</c> or a <c>.py</c> URI.</summary>
    public bool IsPython => LanguageId == "python" || Uri.EndsWith(".py", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Holds the text of every open document.</summary>
internal sealed class DocumentStore
{
    private readonly ConcurrentDictionary<string, OpenDocument> _documents = new(StringComparer.Ordinal);

    /// <summary>Adds or replaces a document.</summary>
    public void Set(OpenDocument document) => _documents[document.Uri] = document;

    /// <summary>Applies changes in order to an open document; returns the updated document, or null when it is not open.</summary>
    public OpenDocument? Apply(string uri, int? version, IReadOnlyList<TextDocumentContentChangeEvent> changes)
    {
        while (_documents.TryGetValue(uri, out var current))
        {
            var text = current.Text;
            foreach (var change in changes)
            {
                text = change.Range is { } range ? Replace(text, range, change.Text) : change.Text;
            }
            var next = current with { Version = version ?? current.Version, Text = text };
            if (_documents.TryUpdate(uri, next, current))
            {
                return next;
            }
        }
        return null;
    }

    /// <summary>Forgets a document.</summary>
    public void Remove(string uri) => _documents.TryRemove(uri, out _);

    /// <summary>The document, or null when it is not open.</summary>
    public OpenDocument? Get(string uri) => _documents.TryGetValue(uri, out var d) ? d : null;

    /// <summary>Replaces <paramref name="range"/> of <paramref name="text"/> with <paramref name="replacement"/>.</summary>
    public static string Replace(string text, LspRange range, string replacement)
    {
        var start = Offset(text, range.Start);
        var end = Math.Max(start, Offset(text, range.End));
        return new StringBuilder(text.Length - (end - start) + replacement.Length)
            .Append(text, 0, start).Append(replacement).Append(text, end, text.Length - end).ToString();
    }

    /// <summary>
    /// The string index of an LSP position. .NET strings are UTF-16, so the character is an index into the line as
    /// it is; a line ends at \n, \r\n or \r (all three are LSP line ends). Positions past a line's end or past the
    /// last line are clamped, as LSP asks.
    /// </summary>
    public static int Offset(string text, Position position)
    {
        var index = 0;
        for (var line = 0; line < position.Line; line++)
        {
            var next = text.IndexOfAny(['\r', '\n'], index);
            if (next < 0)
            {
                return text.Length;
            }
            index = next + (text[next] == '\r' && next + 1 < text.Length && text[next + 1] == '\n' ? 2 : 1);
        }
        var lineEnd = text.IndexOfAny(['\r', '\n'], index);
        var length = (lineEnd < 0 ? text.Length : lineEnd) - index;
        return index + Math.Clamp(position.Character, 0, length);
    }
}
