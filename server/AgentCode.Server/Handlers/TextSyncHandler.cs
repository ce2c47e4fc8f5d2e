// Incremental text sync of documents: keeps the document store current and schedules diagnostics of Python
// documents, or publishes at once why a document over the input size limit is not checked.
using AgentCode.Server.Lsp;
using AgentCode.Server.Protocol;
using StreamJsonRpc;

namespace AgentCode.Server.Handlers;

/// <summary>Handles <c>textDocument/didOpen</c>, <c>didChange</c> and <c>didClose</c>.</summary>
internal sealed class TextSyncHandler(DocumentStore documents, DiagnosticsPublisher diagnostics)
{
    /// <summary>Stores the document and checks it if it is Python.</summary>
    [JsonRpcMethod(LspMethods.DidOpen, UseSingleObjectParameterDeserialization = true)]
    public void DidOpen(DidOpenTextDocumentParams parameters)
    {
        var item = parameters.TextDocument;
        var document = new OpenDocument(item.Uri, item.LanguageId, item.Version, item.Text);
        documents.Set(document);
        if (document.IsPython)
        {
            diagnostics.Schedule(document);
        }
    }

    /// <summary>Applies the changes in order (ranged or whole-text) and checks again.</summary>
    [JsonRpcMethod(LspMethods.DidChange, UseSingleObjectParameterDeserialization = true)]
    public void DidChange(DidChangeTextDocumentParams parameters)
    {
        if (parameters.ContentChanges is not { Count: > 0 } changes)
        {
            return;
        }
        var document = documents.Apply(parameters.TextDocument.Uri, parameters.TextDocument.Version, changes);
        if (document is not null && document.IsPython)
        {
            diagnostics.Schedule(document);
        }
    }

    /// <summary>Forgets the document and clears its diagnostics.</summary>
    [JsonRpcMethod(LspMethods.DidClose, UseSingleObjectParameterDeserialization = true)]
    public Task DidClose(TextDocumentParams parameters)
    {
        documents.Remove(parameters.TextDocument.Uri);
        return diagnostics.ClearAsync(parameters.TextDocument.Uri);
    }
}
