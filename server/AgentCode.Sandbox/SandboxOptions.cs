// Where the sandbox finds python.wasm and keeps its compiled-module cache. Immutable; the defaults follow the
// environment contract shared by the server and the command-line tool.
namespace AgentCode.Sandbox;

/// <summary>How to build a <see cref="PythonSandbox"/>. Use <c>with</c> to change a field.</summary>
/// <param name="PythonWasmPath">Path to <c>python.wasm</c>.</param>
/// <param name="CacheDirectory">Directory for the serialized compiled module; null disables the disk cache.</param>
/// <param name="PreInitialize">
/// Whether runs start from a pre-initialized interpreter when a <c>python-reactor.wasm</c> lies next to
/// <c>python.wasm</c> (docs/sandbox.md, "Pre-initialization"); env <c>AGENTCODE_PYTHON_PREINIT=0</c> turns it off.
/// </param>
public sealed record SandboxOptions(string PythonWasmPath, string? CacheDirectory, bool PreInitialize = true)
{
    /// <summary>
    /// The defaults: <c>python.wasm</c> from env <c>AGENTCODE_PYTHON_WASM</c> or next to this assembly; the cache in
    /// env <c>AGENTCODE_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/agentcode</c>, else <c>~/.cache/agentcode</c>.
    /// </summary>
    public static SandboxOptions FromEnvironment()
    {
        var wasm = Environment.GetEnvironmentVariable("AGENTCODE_PYTHON_WASM");
        if (string.IsNullOrWhiteSpace(wasm))
        {
            wasm = Path.Combine(AppContext.BaseDirectory, "python.wasm");
        }

        var cache = Environment.GetEnvironmentVariable("AGENTCODE_CACHE_DIR");
        if (string.IsNullOrWhiteSpace(cache))
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            cache = !string.IsNullOrWhiteSpace(xdg) ? Path.Combine(xdg, "agentcode")
                : !string.IsNullOrEmpty(home) ? Path.Combine(home, ".cache", "agentcode")
                : null;
        }

        return new SandboxOptions(wasm, cache, Environment.GetEnvironmentVariable("AGENTCODE_PYTHON_PREINIT") != "0");
    }
}
