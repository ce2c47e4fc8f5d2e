// Loads the Python files that run inside the sandbox (runner.py, check.py) and the output contract's files
// (contract/ at the repository root), embedded in this assembly.
using System.Reflection;

namespace AgentCode.Sandbox;

internal static class PythonResources
{
    public static string Load(string name) => LoadResource("AgentCode.Sandbox.Python." + name, name);

    /// <summary>A file of contract/: contract.json, agentcode_contract.py, capability_card.md, chart_example.py.</summary>
    public static string LoadContract(string name) => LoadResource("AgentCode.Sandbox.Contract." + name, name);

    private static string LoadResource(string logicalName, string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(logicalName)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
