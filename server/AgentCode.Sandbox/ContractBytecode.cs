// The output contract's Python module, compiled once: CPython's compiler is slow in an unoptimized wasm build (a
// fifth of a second for agentcode_contract.py on a busy machine), and every run loads the module. The interpreter
// compiles it in a guest of its own (no user code runs there) and returns the marshalled code object, which is kept
// in memory and in the runtime's cache folder beside the compiled module, keyed by the interpreter and the source.
// Runs then unmarshal it in about a millisecond; when anything fails they compile the source as before.
using System.Security.Cryptography;
using System.Text;

namespace AgentCode.Sandbox;

internal static class ContractBytecode
{
    private const string CompileScript =
        "import sys, marshal, binascii\n" +
        "source = sys.stdin.buffer.read().decode('utf-8')\n" +
        "code = compile(source, 'agentcode_contract.py', 'exec', dont_inherit=True)\n" +
        "sys.stdout.write(binascii.b2a_base64(marshal.dumps(code), newline=False).decode('ascii'))\n";

    /// <summary>The marshalled code of the contract module as base64, or null when it could not be made.</summary>
    public static string? Load(PythonSandbox sandbox, PythonRuntime runtime)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(runtime.Key + "|" + OutputContract.PythonSource)))[..24].ToLowerInvariant();
        var cachePath = runtime.CacheDirectory is { } dir ? Path.Combine(dir, $"contract-{key}.marshal.b64") : null;
        if (cachePath is not null && File.Exists(cachePath))
        {
            try
            {
                var cached = File.ReadAllText(cachePath);
                if (IsBase64(cached))
                {
                    return cached;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Unreadable: made again below.
            }
        }

        var limits = RunLimits.Default with { Timeout = TimeSpan.FromSeconds(60) };
        var outcome = sandbox.Execute(PythonSandbox.InterpreterArgs(CompileScript), OutputContract.PythonSource, [], limits, 0, CancellationToken.None);
        var text = Encoding.ASCII.GetString(outcome.Stdout);
        if (outcome.End != GuestEnd.Exited || outcome.ExitCode != 0 || !IsBase64(text))
        {
            return null;
        }

        if (cachePath is not null)
        {
            PythonRuntime.WriteCacheFile(cachePath, Encoding.ASCII.GetBytes(text));
        }

        return text;
    }

    private static bool IsBase64(string text) => text.Length > 0 && RunOutputs.IsBase64(text);
}
