// Which host paths an MCP caller may mount as data: only files and folders inside the directories given with
// --allow-data. A requested path is resolved to its real location (every symbolic link followed) before the
// check, and the resolved path is what gets mounted, so a link inside an allowed folder cannot point the sandbox
// elsewhere. Inside a mounted folder, Wasmtime's WASI refuses links that leave the folder.
namespace AgentCode.Server.Mcp;

/// <summary>The host directories whose contents may be mounted read-only under /data.</summary>
internal sealed class DataAllowList
{
    private const int MaxLinkDepth = 40;

    private static readonly StringComparison PathComparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
        ? StringComparison.OrdinalIgnoreCase
        : StringComparison.Ordinal;

    private DataAllowList(IReadOnlyList<string> directories) => Directories = directories;

    /// <summary>The allowed directories, as real absolute paths.</summary>
    public IReadOnlyList<string> Directories { get; }

    /// <summary>The allow-list of the given directories, or a sentence saying which one cannot be used.</summary>
    public static (DataAllowList? List, string? Error) Create(IEnumerable<string> directories)
    {
        var real = new List<string>();
        foreach (var d in directories)
        {
            if (!Directory.Exists(d))
            {
                return (null, $"--allow-data {d}: no such directory; give a folder whose files agents may read.");
            }

            real.Add(RealPath(Path.GetFullPath(d)));
        }

        return (new DataAllowList(real), null);
    }

    /// <summary>
    /// The real path to mount for a requested path, or a sentence saying why it is refused. A relative path is
    /// looked up in each allowed directory in order.
    /// </summary>
    public (string? Path, string? Error) Resolve(string requested)
    {
        if (Directories.Count == 0)
        {
            return (null, $"The data path '{requested}' is refused: this server allows no data. Start it with --allow-data DIR to let programs read the files in DIR.");
        }

        if (string.IsNullOrWhiteSpace(requested) || requested.Contains('\0', StringComparison.Ordinal))
        {
            return (null, "A data path is empty or not a path; give the path of a file inside an allowed directory.");
        }

        var candidates = Path.IsPathRooted(requested)
            ? [Path.GetFullPath(requested)]
            : Directories.Select(d => Path.GetFullPath(Path.Combine(d, requested))).ToList();
        foreach (var candidate in candidates)
        {
            string real;
            try
            {
                real = RealPath(candidate);
            }
            catch (IOException)
            {
                continue;
            }

            if (!File.Exists(real) && !Directory.Exists(real))
            {
                continue;
            }

            if (!IsAllowed(real))
            {
                return (null, $"The data path '{requested}' is refused: it is outside the directories this server allows ({string.Join(", ", Directories)}). Copy the file into one of them, or start the server with --allow-data for its folder.");
            }

            return (real, null);
        }

        return (null, Path.IsPathRooted(requested) && !IsAllowed(Path.GetFullPath(requested))
            ? $"The data path '{requested}' is refused: it is outside the directories this server allows ({string.Join(", ", Directories)}). Copy the file into one of them, or start the server with --allow-data for its folder."
            : $"The data path '{requested}' was not found in the allowed directories ({string.Join(", ", Directories)}).");
    }

    private bool IsAllowed(string real) => Directories.Any(d =>
        real.Equals(d, PathComparison)
        || real.StartsWith(Path.EndsInDirectorySeparator(d) ? d : d + Path.DirectorySeparatorChar, PathComparison));

    /// <summary>The path with every symbolic link along it followed; components that do not exist are kept as they are.</summary>
    private static string RealPath(string fullPath, int depth = 0)
    {
        if (depth > MaxLinkDepth)
        {
            throw new IOException("too many levels of symbolic links");
        }

        var root = Path.GetPathRoot(fullPath) ?? "";
        var current = root;
        var parts = fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        foreach (var part in parts)
        {
            var next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.Exists && info.LinkTarget is { } target)
            {
                var resolved = Path.GetFullPath(target, current);
                next = RealPath(resolved, depth + 1);
            }

            current = next;
        }

        return current;
    }
}
