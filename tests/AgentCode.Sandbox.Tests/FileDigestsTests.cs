// The digests that name the cache files: remembered across processes in the cache folder by path, length and
// modification time, and taken again whenever one of them changes or the file was written too recently to trust them.
using System.Security.Cryptography;
using AgentCode.Sandbox;
using Xunit;

namespace AgentCode.Sandbox.Tests;

public sealed class FileDigestsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agentcode-digests-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void ADigestIsRememberedInTheCacheFolderAndTakenAgainWhenTheFileChanges()
    {
        var cache = Path.Combine(_dir.FullName, "cache");
        var file = Path.Combine(_dir.FullName, "module.wasm");
        var past = DateTime.UtcNow.AddMinutes(-10);
        Write(file, "first", past);

        Assert.Equal(SHA256.HashData("first"u8), FileDigests.Sha256(file, cache));
        var memo = Assert.Single(Directory.GetFiles(cache, "digest-*.sha256"));
        Assert.Equal(Convert.ToHexString(SHA256.HashData("first"u8)), File.ReadAllText(memo));

        // A new process reads the digest from the memo instead of the file: content swapped under the same length and
        // time (which a real write cannot do without changing the time) is not seen.
        FileDigests.ForgetRemembered();
        Write(file, "swaps", past);
        Assert.Equal(SHA256.HashData("first"u8), FileDigests.Sha256(file, cache));

        // The same length with a new modification time: hashed again.
        Write(file, "other", past.AddSeconds(1));
        Assert.Equal(SHA256.HashData("other"u8), FileDigests.Sha256(file, cache));
        Assert.Equal(2, Directory.GetFiles(cache, "digest-*.sha256").Length);

        // A damaged memo is not trusted.
        var current = Directory.GetFiles(cache, "digest-*.sha256").Single(f => f != memo);
        Write(file, "third", past.AddSeconds(2));
        Assert.Equal(SHA256.HashData("third"u8), FileDigests.Sha256(file, cache));
        var third = Directory.GetFiles(cache, "digest-*.sha256").Single(f => f != memo && f != current);
        File.WriteAllText(third, "not a digest");
        Write(file, "fourt", past.AddSeconds(2)); // same length and time as "third": only the memo could answer
        FileDigests.ForgetRemembered();
        Assert.Equal(SHA256.HashData("fourt"u8), FileDigests.Sha256(file, cache));
    }

    [Fact]
    public void AFileWrittenMomentsAgoIsHashedEachTimeSoAQuickSecondWriteIsNeverMissed()
    {
        var cache = Path.Combine(_dir.FullName, "cache");
        var file = Path.Combine(_dir.FullName, "module.wasm");
        var now = DateTime.UtcNow.AddMinutes(1); // recent however long the test takes
        Write(file, "first", now);
        Assert.Equal(SHA256.HashData("first"u8), FileDigests.Sha256(file, cache));

        Write(file, "other", now); // same length, same time
        Assert.Equal(SHA256.HashData("other"u8), FileDigests.Sha256(file, cache));
        Assert.False(Directory.Exists(cache) && Directory.GetFiles(cache).Length > 0);
    }

    private static void Write(string path, string text, DateTime modified)
    {
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, modified);
    }
}
