// The checker's rule catalog: stable ids, default severities and one-line summaries, as documented in
// docs/rules.md. check.py reports the ids; this table names them for SARIF output and for clients listing rules.
namespace AgentCode.Sandbox;

/// <summary>One checker rule.</summary>
/// <param name="Id">Stable id, e.g. <c>AC101</c>.</param>
/// <param name="Name">Short PascalCase name.</param>
/// <param name="DefaultSeverity">Severity of its findings.</param>
/// <param name="Summary">One sentence on what it flags.</param>
public sealed record RuleInfo(string Id, string Name, Severity DefaultSeverity, string Summary);

/// <summary>The rules the checker knows.</summary>
public static class Rules
{
    /// <summary>The pseudo-rule id under which syntax errors are reported in SARIF and text output.</summary>
    public const string SyntaxErrorId = "AC001";

    /// <summary>Every rule, syntax errors first.</summary>
    public static IReadOnlyList<RuleInfo> All { get; } =
    [
        new(SyntaxErrorId, "SyntaxError", Severity.Error, "CPython's parser rejects the program."),
        new("AC101", "ProcessOrShell", Severity.Error, "Starts processes or shells (subprocess, os.system, os.exec*, pty, multiprocessing)."),
        new("AC102", "Network", Severity.Error, "Opens network connections (socket, urllib.request, http.client, requests, asyncio streams)."),
        new("AC103", "FileWrite", Severity.Warning, "Writes, deletes or renames files (open for writing, os.remove, shutil, pathlib writes)."),
        new("AC104", "DynamicCode", Severity.Error, "Runs code built at run time (eval, exec, compile, __import__, importlib, runpy)."),
        new("AC105", "JavaScriptBridge", Severity.Error, "Reaches JavaScript through Pyodide (js, pyodide_js, pyodide.code.run_js, pyodide.ffi)."),
        new("AC106", "InterpreterInternals", Severity.Error, "Touches interpreter internals used to escape restrictions (__subclasses__, __globals__, __builtins__, frames, ctypes)."),
        new("AC107", "Obfuscation", Severity.Error, "Hides code: exec of decoded data, chr() assembly, long encoded literals, computed attribute names."),
    ];

    /// <summary>Finds a rule by id (case-insensitive), or null.</summary>
    public static RuleInfo? Find(string id) => All.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));
}
