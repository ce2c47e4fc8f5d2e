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
        sys.path.insert(0, "/python/lib/python311.zip")
        import probe_module
        print(probe_module.VALUE)
        for path, mode in (("/python/lib/python311.zip", "ab"), ("/python/lib/new.py", "w")):
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
            var zipPath = Path.Combine(lib.FullName, "python311.zip");
            using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
            {
                using var writer = new StreamWriter(zip.CreateEntry("probe_module.py", CompressionLevel.NoCompression).Open());
                writer.Write("VALUE = 42\n");
            }

            var before = File.ReadAllBytes(zipPath);
            using var sandbox = PythonSandbox.Create(fixture.Sandbox.Options with { PythonWasmPath = Path.Combine(dir.FullName, "python.wasm") });
            var result = await sandbox.RunAsync(new RunRequest(Program, [], SandboxFixture.Quick), CancellationToken.None);

            Assert.True(result.Status == RunStatus.Ok, $"{result.Status}: {result.Message}\n{result.Stderr}");
            Assert.Equal("42\nrefused\nrefused\n", result.Stdout);
            Assert.Equal(before, File.ReadAllBytes(zipPath));
            Assert.Equal(["python311.zip"], lib.EnumerateFileSystemInfos().Select(f => f.Name));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
