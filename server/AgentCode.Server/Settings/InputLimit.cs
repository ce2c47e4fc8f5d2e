// The one size limit on a program or document, shared by every path that takes one: LSP documents, the agentcode/*
// requests and the command line. Over it, the caller answers with Refusal's sentence before anything is parsed.
using System.Globalization;
using System.Text;

namespace AgentCode.Server.Settings;

/// <summary>The largest program (UTF-8 bytes) the server or the command line checks or runs.</summary>
/// <param name="MaxBytes">The limit in bytes.</param>
public sealed record InputLimit(long MaxBytes)
{
    /// <summary>The default: 1 MiB.</summary>
    public static InputLimit Default { get; } = new(1024 * 1024);

    /// <summary>The environment variable the command line (and the server, without a setting) reads, in KiB.</summary>
    public const string EnvironmentVariable = "AGENTCODE_MAX_INPUT_KB";

    /// <summary>A limit of <paramref name="kb"/> KiB when positive, else the variable, else the default.</summary>
    public static InputLimit Resolve(int? kb, Func<string, string?> env)
    {
        if (kb is > 0)
        {
            return new(kb.Value * 1024L);
        }
        return int.TryParse(env(EnvironmentVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var fromEnv) && fromEnv > 0
            ? new(fromEnv * 1024L)
            : Default;
    }

    /// <summary>Whether a text is over the limit; counts UTF-8 bytes only when the UTF-16 length cannot decide.</summary>
    public bool Exceeds(string text, out long bytes)
    {
        // Each UTF-16 unit is 1 to 3 UTF-8 bytes (a surrogate pair, 2 units, is 4 bytes).
        if (text.Length > MaxBytes)
        {
            bytes = text.Length;
            return true;
        }
        bytes = text.Length * 3L <= MaxBytes ? text.Length : Encoding.UTF8.GetByteCount(text);
        return bytes > MaxBytes;
    }

    /// <summary>A sentence saying why <paramref name="what"/> is not checked or run, or null when it is within the limit.</summary>
    public string? Refusal(string text, string what) =>
        Exceeds(text, out var bytes) ? RefusalFor(bytes, what) : null;

    /// <summary>The sentence for an input of <paramref name="bytes"/> bytes, or of an unknown size over the limit when null.</summary>
    public string RefusalFor(long? bytes, string what) =>
        $"{what} is larger than {Size(MaxBytes)}{(bytes is { } b ? $" ({Size(b)})" : "")}: AgentCode checks and runs programs up to that size. " +
        $"Split it, or raise the limit (setting agentcode.sandbox.maxInputKb, or {EnvironmentVariable} for the command line).";

    /// <summary>A size for people: bytes, KiB or MiB.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} bytes",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MiB"),
    };
}
