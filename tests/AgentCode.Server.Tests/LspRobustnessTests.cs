// Bad bytes on the wire never bring the server down: malformed JSON, a broken header and an oversized message
// each get an error response with id null, and the next request is answered.
using System.Text;
using AgentCode.Server.Tests.Infrastructure;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class LspRobustnessTests
{
    private static async Task AssertStillAnswers(LspTestClient client)
    {
        var lenses = await client.RequestAsync("textDocument/codeLens", new { textDocument = new { uri = "file:///none.py" } });
        Assert.Equal(0, lenses.GetArrayLength());
        Assert.False(client.Process.HasExited);
    }

    private static async Task<System.Text.Json.JsonElement> WaitForOrphan(LspTestClient client, int code)
    {
        var until = DateTime.UtcNow + LspTestClient.Deadline;
        while (DateTime.UtcNow < until)
        {
            var hit = client.Orphans.FirstOrDefault(o => o.TryGetProperty("error", out var e) && e.GetProperty("code").GetInt32() == code);
            if (hit.ValueKind != System.Text.Json.JsonValueKind.Undefined)
            {
                return hit;
            }
            await Task.Delay(25);
        }
        throw new TimeoutException("No error response with code " + code);
    }

    [Fact]
    public async Task MalformedJsonGetsAParseErrorAndTheServerReadsOn()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        await client.SendRawBodyAsync(Encoding.UTF8.GetBytes("{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": "));
        var error = await WaitForOrphan(client, -32700);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, error.GetProperty("id").ValueKind);
        await AssertStillAnswers(client);
    }

    [Fact]
    public async Task JsonThatIsNotJsonRpcGetsAnErrorAndTheServerReadsOn()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        await client.SendRawBodyAsync(Encoding.UTF8.GetBytes("[1, 2, 3]"));
        await client.SendRawBodyAsync(Encoding.UTF8.GetBytes("\"just a string\""));
        await WaitForOrphan(client, -32600);
        await AssertStillAnswers(client);
    }

    [Fact]
    public async Task AMissingContentLengthGetsAnErrorAndTheServerReadsOn()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        await client.SendRawAsync(Encoding.ASCII.GetBytes("Content-Type: application/json\r\n\r\n"));
        await WaitForOrphan(client, -32700);
        await AssertStillAnswers(client);
    }

    [Fact]
    public async Task AMessageOverTheSizeLimitIsSkippedWithoutACrash()
    {
        await using var client = await LspTestClient.StartInitializedAsync();
        const int size = 64 * 1024 * 1024 + 1024;
        await client.SendRawAsync(Encoding.ASCII.GetBytes($"Content-Length: {size}\r\n\r\n"));
        var block = new byte[1024 * 1024];
        Array.Fill(block, (byte)'x');
        for (var sent = 0; sent < size; sent += block.Length)
        {
            await client.SendRawAsync(sent + block.Length <= size ? block : block[..(size - sent)]);
        }
        var error = await WaitForOrphan(client, -32600);
        Assert.Contains("larger than the limit", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        await AssertStillAnswers(client);
    }
}
