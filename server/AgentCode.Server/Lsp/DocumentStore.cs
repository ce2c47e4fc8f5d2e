// The open documents and their full text, kept by full text sync. Safe to use from concurrent handlers.
using System.Collections.Concurrent;

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

    /// <summary>Replaces the text of an open document; returns the updated document, or null when it is not open.</summary>
    public OpenDocument? Update(string uri, int? version, string text)
    {
        while (_documents.TryGetValue(uri, out var current))
        {
            var next = current with { Version = version, Text = text };
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
}
