// Finds the program in a model's reply: the first ```python (or ```py) fenced block, else the first fenced
// block of any language. A reply without a closed fence has no code, and the repair loop asks again.
using System.Text.RegularExpressions;

namespace AgentCode.Server.Generation;

/// <summary>Extracts code blocks from Markdown replies.</summary>
public static partial class CodeExtractor
{
    [GeneratedRegex(@"^[ \t]*(```|~~~)[ \t]*([\w+#.-]*)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    /// <summary>The code of the best block, or null when the reply has none.</summary>
    public static string? Extract(string reply)
    {
        var text = reply.Replace("\r\n", "\n", StringComparison.Ordinal);
        string? any = null;
        foreach (Match m in Fence().Matches(text))
        {
            var lang = m.Groups[2].Value.ToLowerInvariant();
            var code = m.Groups[3].Value.TrimEnd('\n', ' ', '\t');
            if (code.Trim().Length == 0)
            {
                continue;
            }
            if (lang is "python" or "py" or "python3")
            {
                return code + "\n";
            }
            any ??= lang is "" ? code + "\n" : null;
        }
        return any;
    }
}
