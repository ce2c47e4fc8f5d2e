// An interpreter built without an embedded standard library (scripts/build-python-wasm) finds it in the folder
// 'lib' next to python.wasm, mounted at /python/lib: programs can import from it and cannot change it.
using System.IO.Compression;
using AgentCode.Sandbox;
using Xunit;

namespace AgentCode.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class LibraryMountTests(SandboxFixture fixture)
{
    private const string Program = """
        import sys
        sys.path.insert(0, "/python/lib/python3-probe.zip")
        import probe_module
        print(probe_module.VALUE)
        for path, mode in (("/python/lib/python3-probe.zip", "ab"), ("/python/lib/new.py", "w")):
            try:
                with open(path, mode) as f:
                    f.write(b"x" if "b" in mode else "x")
                print("written")
            except OSError:
                print("refused")
        """;

    [Fact]
    public async Task TheLibraryFolderNextToPythonWasmIsImportableAndReadOnlyAtPythonLib()
    {
        var dir = Directory.CreateTempSubdirectory("agentcode-lib-");
        try
        {
            File.CreateSymbolicLink(Path.Combine(dir.FullName, "python.wasm"), Path.GetFullPath(fixture.Sandbox.Options.PythonWasmPath));
            var lib = Directory.CreateDirectory(Path.Combine(dir.FullName, "lib"));
            if (fixture.Sandbox.Runtime.LibDirectory is { } ownLib)
            {
                // An interpreter that needs its own library (AGENTCODE_PYTHON_WASM set to a build-python-wasm output).
                foreach (var file in Directory.EnumerateFiles(ownLib, "*", SearchOption.AllDirectories))
                {
                    var copy = Path.Combine(lib.FullName, Path.GetRelativePath(ownLib, file));
                    Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                    File.Copy(file, copy);
                }
            }

            var zipPath = Path.Combine(lib.FullName, "python3-probe.zip");
            using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
            {
                using var writer = new StreamWriter(zip.CreateEntry("probe_module.py", CompressionLevel.NoCompression).Open());
                writer.Write("VALUE = 42\n");
            }

            var before = lib.EnumerateFileSystemInfos("*", SearchOption.AllDirectories).Select(f => f.FullName).Order(StringComparer.Ordinal).ToList();
            var zipBytes = File.ReadAllBytes(zipPath);
            using var sandbox = PythonSandbox.Create(fixture.Sandbox.Options with { PythonWasmPath = Path.Combine(dir.FullName, "python.wasm") });
            var result = await sandbox.RunAsync(new RunRequest(Program, [], SandboxFixture.Quick), CancellationToken.None);

            Assert.True(result.Status == RunStatus.Ok, $"{result.Status}: {result.Message}\n{result.Stderr}");
            Assert.Equal("42\nrefused\nrefused\n", result.Stdout);
            Assert.Equal(zipBytes, File.ReadAllBytes(zipPath));
            Assert.Equal(before, lib.EnumerateFileSystemInfos("*", SearchOption.AllDirectories).Select(f => f.FullName).Order(StringComparer.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
