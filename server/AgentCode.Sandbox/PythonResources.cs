// Loads the Python files that run inside the sandbox (runner.py, check.py), embedded in this assembly.
using System.Reflection;

namespace AgentCode.Sandbox;

internal static class PythonResources
{
    public static string Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("AgentCode.Sandbox.Python." + name)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
