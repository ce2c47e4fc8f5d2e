// SHA-256 digests of the interpreter's files, which name every cache file (compiled modules, the snapshot). Hashing
// the two 8 MB modules and the library took a third of a whole `agentcode run`, so a digest is remembered: in the
// process, and in the cache folder under the file's full path, length and modification time, as git's index does.
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace AgentCode.Sandbox;

internal static class FileDigests
{
    /// <summary>
    /// A file modified this recently is hashed again next time: a write within the same tick of the clock as the
    /// digest was taken could otherwise leave new content under the old length and time ("racy" entries in git).
    /// </summary>
    internal static readonly TimeSpan Settled = TimeSpan.FromSeconds(2);

    private static readonly ConcurrentDictionary<string, byte[]> Remembered = new(StringComparer.Ordinal);

    /// <summary>Forgets what this process remembered (the cache folder's memos stay), as a new process starts.</summary>
    internal static void ForgetRemembered() => Remembered.Clear();

    /// <summary>The SHA-256 of the file at <paramref name="path"/>; <paramref name="cacheDirectory"/> null keeps it in the process only.</summary>
    public static byte[] Sha256(string path, string? cacheDirectory)
    {
        var info = new FileInfo(path);
        var stamp = $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}";
        if (Remembered.TryGetValue(stamp, out var known))
        {
            return known;
        }

        var settled = DateTime.UtcNow - info.LastWriteTimeUtc >= Settled;
        var memo = cacheDirectory is null
            ? null
            : Path.Combine(cacheDirectory, $"digest-{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(stamp)))[..24].ToLowerInvariant()}.sha256");
        if (settled && memo is not null && Read(memo) is { } stored)
        {
            return Remembered[stamp] = stored;
        }

        byte[] digest;
        using (var stream = File.OpenRead(path))
        {
            digest = SHA256.HashData(stream);
        }

        if (settled)
        {
            Remembered[stamp] = digest;
            if (memo is not null)
            {
                PythonRuntime.WriteCacheFile(memo, Encoding.ASCII.GetBytes(Convert.ToHexString(digest)));
            }
        }

        return digest;
    }

    private static byte[]? Read(string memo)
    {
        try
        {
            var text = File.ReadAllText(memo, Encoding.ASCII);
            return text.Length == 2 * SHA256.HashSizeInBytes ? Convert.FromHexString(text) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
