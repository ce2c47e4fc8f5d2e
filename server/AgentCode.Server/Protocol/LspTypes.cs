// The subset of the Language Server Protocol this server speaks, as typed records. Property names follow the
// LSP specification (camelCase on the wire); only the fields the server reads or writes are modelled.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentCode.Server.Protocol;

/// <summary>LSP method names of the standard messages the server handles or sends.</summary>
public static class LspMethods
{
    /// <summary>The first request of a session.</summary>
    public const string Initialize = "initialize";
    /// <summary>The client is ready.</summary>
    public const string Initialized = "initialized";
    /// <summary>Prepare to exit.</summary>
    public const string Shutdown = "shutdown";
    /// <summary>Exit the process.</summary>
    public const string Exit = "exit";
    /// <summary>A document was opened.</summary>
    public const string DidOpen = "textDocument/didOpen";
    /// <summary>A document changed (full sync).</summary>
    public const string DidChange = "textDocument/didChange";
    /// <summary>A document was closed.</summary>
    public const string DidClose = "textDocument/didClose";
    /// <summary>Code lenses for a document.</summary>
    public const string CodeLens = "textDocument/codeLens";
    /// <summary>Settings changed.</summary>
    public const string DidChangeConfiguration = "workspace/didChangeConfiguration";
    /// <summary>Server to client: diagnostics of one document.</summary>
    public const string PublishDiagnostics = "textDocument/publishDiagnostics";
    /// <summary>Server to client: progress and partial results.</summary>
    public const string Progress = "$/progress";
    /// <summary>Client to server: cancel a request (handled by StreamJsonRpc).</summary>
    public const string CancelRequest = "$/cancelRequest";
}

/// <summary>A 0-based line and UTF-16 column.</summary>
public sealed record Position(int Line, int Character);

/// <summary>A 0-based, end-exclusive range (LSP <c>Range</c>).</summary>
public sealed record LspRange(Position Start, Position End);

/// <summary>Identifies a document.</summary>
public sealed record TextDocumentIdentifier(string Uri);

/// <summary>An open document with its full text.</summary>
public sealed record TextDocumentItem(string Uri, string LanguageId, int Version, string Text);

/// <summary>A document and the version after a change.</summary>
public sealed record VersionedTextDocumentIdentifier(string Uri, int? Version = null);

/// <summary>One change; with full sync the text replaces the whole document.</summary>
public sealed record TextDocumentContentChangeEvent(string Text, LspRange? Range = null);

/// <summary>Params of <c>textDocument/didOpen</c>.</summary>
public sealed record DidOpenTextDocumentParams(TextDocumentItem TextDocument);

/// <summary>Params of <c>textDocument/didChange</c>.</summary>
public sealed record DidChangeTextDocumentParams(
    VersionedTextDocumentIdentifier TextDocument,
    IReadOnlyList<TextDocumentContentChangeEvent> ContentChanges);

/// <summary>Params of <c>textDocument/didClose</c> and <c>textDocument/didSave</c>.</summary>
public sealed record TextDocumentParams(TextDocumentIdentifier TextDocument);

/// <summary>Params of <c>textDocument/codeLens</c>.</summary>
public sealed record CodeLensParams(TextDocumentIdentifier TextDocument);

/// <summary>Argument of the <c>agentcode.runCell</c> command: the document and the range to run.</summary>
public sealed record RunCellArguments(string Uri, LspRange Range);

/// <summary>A command the client runs when a lens is clicked.</summary>
public sealed record LensCommand(string Title, string CommandName, IReadOnlyList<RunCellArguments>? Arguments)
{
    /// <summary>The command identifier (named <c>command</c> on the wire).</summary>
    [JsonPropertyName("command")]
    public string CommandName { get; init; } = CommandName;
}

/// <summary>A lens shown above a line.</summary>
public sealed record CodeLens(LspRange Range, LensCommand? Command);

/// <summary>LSP diagnostic severity: 1 error, 2 warning, 3 information, 4 hint.</summary>
public enum DiagnosticSeverity
{
    /// <summary>An error.</summary>
    Error = 1,
    /// <summary>A warning.</summary>
    Warning = 2,
    /// <summary>Information.</summary>
    Information = 3,
    /// <summary>A hint.</summary>
    Hint = 4,
}

/// <summary>One problem shown in the editor.</summary>
public sealed record Diagnostic(LspRange Range, DiagnosticSeverity Severity, string? Code, string Source, string Message);

/// <summary>Params of <c>textDocument/publishDiagnostics</c>.</summary>
public sealed record PublishDiagnosticsParams(string Uri, int? Version, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>Params of <c>initialize</c> (the fields the server reads).</summary>
public sealed record InitializeParams(int? ProcessId = null, JsonElement? InitializationOptions = null, JsonElement? Capabilities = null);

/// <summary>Text sync options: open/close and full-text changes.</summary>
public sealed record TextDocumentSyncOptions(bool OpenClose, int Change, bool? Save);

/// <summary>Code lens options.</summary>
public sealed record CodeLensOptions(bool ResolveProvider);

/// <summary>What the server can do.</summary>
public sealed record ServerCapabilities(TextDocumentSyncOptions TextDocumentSync, CodeLensOptions CodeLensProvider);

/// <summary>Name and version of the server.</summary>
public sealed record ServerInfo(string Name, string Version);

/// <summary>Result of <c>initialize</c>.</summary>
public sealed record InitializeResult(ServerCapabilities Capabilities, ServerInfo ServerInfo);

/// <summary>Params of <c>workspace/didChangeConfiguration</c>: <c>{settings: {agentcode: {...}}}</c>.</summary>
public sealed record DidChangeConfigurationParams(JsonElement? Settings = null);

/// <summary>Params of <c>$/progress</c>: a token (string or number) and a value.</summary>
/// <param name="Token">The workDoneToken or partialResultToken the client sent.</param>
/// <param name="Value">A <see cref="WorkDoneProgress"/> or a <see cref="TokenChunk"/>.</param>
public sealed record ProgressParams(JsonElement Token, object Value);

/// <summary>Work-done progress values: begin, report, end; <c>kind</c> tells them apart on the wire.</summary>
public abstract record WorkDoneProgress
{
    /// <summary>"begin", "report" or "end".</summary>
    public abstract string Kind { get; }
}

/// <summary>Progress starts.</summary>
public sealed record WorkDoneProgressBegin(string Title, bool Cancellable, string? Message) : WorkDoneProgress
{
    /// <inheritdoc/>
    public override string Kind => "begin";
}

/// <summary>Progress continues.</summary>
public sealed record WorkDoneProgressReport(string? Message) : WorkDoneProgress
{
    /// <inheritdoc/>
    public override string Kind => "report";
}

/// <summary>Progress ends.</summary>
public sealed record WorkDoneProgressEnd(string? Message) : WorkDoneProgress
{
    /// <inheritdoc/>
    public override string Kind => "end";
}
