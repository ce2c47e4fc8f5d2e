// A second real LSP client: Neovim from Debian (0.7, `nvim --headless` with its built-in client) starts the real
// server, opens a Python file with a policy finding and reads back the diagnostics and the code lenses. It proves
// the server works with a client it was not written for. scripts/setup installs neovim.
using System.Diagnostics;
using System.Text.Json;
using AgentCode.Server.Tests.Infrastructure;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class NeovimClientTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agentcode-nvim-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task NeovimShowsThePolicyFindingAndTheRunLensesOfAPythonFile()
    {
        var file = Path.Combine(_dir.FullName, "fetch.py");
        await File.WriteAllTextAsync(file, "import socket\n\n# %%\nprint('cell')\n");
        var output = Path.Combine(_dir.FullName, "result.json");
        var info = new ProcessStartInfo("nvim")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir.FullName,
        };
        foreach (var a in new[] { "--headless", "--clean", "-n", "-i", "NONE", "-c", "luafile " + Path.Combine(AppContext.BaseDirectory, "Neovim", "client.lua") })
        {
            info.ArgumentList.Add(a);
        }
        info.Environment["AGENTCODE_DLL"] = AgentCodeProcess.DllPath;
        info.Environment["AGENTCODE_FILE"] = file;
        info.Environment["AGENTCODE_OUT"] = output;
        info.Environment["AGENTCODE_DEADLINE_MS"] = ((int)LspTestClient.Deadline.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["XDG_STATE_HOME"] = _dir.FullName;
        info.Environment["XDG_DATA_HOME"] = _dir.FullName;

        using var nvim = Process.Start(info)!;
        nvim.StandardInput.Close();
        var stderr = nvim.StandardError.ReadToEndAsync();
        _ = nvim.StandardOutput.ReadToEndAsync();
        using (var cts = new CancellationTokenSource(LspTestClient.Deadline + TimeSpan.FromSeconds(30)))
        {
            try
            {
                await nvim.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                nvim.Kill(entireProcessTree: true);
                throw new TimeoutException("nvim did not finish. stderr: " + await stderr);
            }
        }
        Assert.True(File.Exists(output), "nvim wrote no result. stderr: " + await stderr);
        using var result = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        var root = result.RootElement;
        Assert.False(root.TryGetProperty("error", out var error), error.ToString());

        var finding = Assert.Single(root.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("AC102", finding.GetProperty("code").GetString());
        Assert.Equal("agentcode", finding.GetProperty("source").GetString());
        Assert.Equal(0, finding.GetProperty("line").GetInt32());
        Assert.Equal(1, finding.GetProperty("severity").GetInt32()); // vim.diagnostic.severity.ERROR
        Assert.Contains("network", finding.GetProperty("message").GetString(), StringComparison.Ordinal);

        var lenses = root.GetProperty("lenses").EnumerateArray()
            .Select(l => (l.GetProperty("title").GetString(), l.GetProperty("line").GetInt32())).OrderBy(l => l.Item2).ToList();
        Assert.Equal([("Run in sandbox", 0), ("Run cell in sandbox", 2)], lenses);
    }
}
