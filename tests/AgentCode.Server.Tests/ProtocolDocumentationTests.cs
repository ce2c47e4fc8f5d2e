// Keeps docs/protocol.md honest: every method name the server handles or sends must be documented there.
using System.Reflection;
using AgentCode.Server.Protocol;
using StreamJsonRpc;
using Xunit;

namespace AgentCode.Server.Tests;

public sealed class ProtocolDocumentationTests
{
    private static string ProtocolDoc()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "docs", "protocol.md");
            if (File.Exists(path))
            {
                return File.ReadAllText(path);
            }
        }
        throw new FileNotFoundException("docs/protocol.md not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<string> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);

    [Fact]
    public void EveryMethodInTheCodeIsDocumented()
    {
        var handled = typeof(LspMethods).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Select(m => m.GetCustomAttribute<JsonRpcMethodAttribute>()?.Name)
            .OfType<string>()
            .ToList();
        Assert.NotEmpty(handled);
        var names = handled.Concat(Constants(typeof(LspMethods))).Concat(Constants(typeof(AgentCodeMethods))).Distinct();
        var doc = ProtocolDoc();
        var missing = names.Where(n => !doc.Contains($"`{n}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "Missing from docs/protocol.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryErrorCodeIsDocumented()
    {
        var doc = ProtocolDoc();
        var codes = typeof(AgentCodeErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (int)f.GetRawConstantValue()!);
        Assert.All(codes, c => Assert.Contains($"`{c}`", doc, StringComparison.Ordinal));
    }
}
