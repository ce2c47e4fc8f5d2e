// The checker end to end in the sandbox: CPython's parser for syntax errors (with LSP ranges) and every policy
// rule, including the aliasing and obfuscation tricks each rule is meant to see through.
using AgentCode.Sandbox;
using Xunit;

namespace AgentCode.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class CheckerRuleTests(SandboxFixture fixture)
{
    private Task<CheckResult> Check(string code) => fixture.Checker.CheckAsync(code, CancellationToken.None);

    [Theory]
    [InlineData("AC101", "import subprocess\nsubprocess.run(['ls'])")]
    [InlineData("AC101", "import subprocess as sp\nsp.Popen('ls')")]
    [InlineData("AC101", "from os import system\nsystem('ls')")]
    [InlineData("AC101", "import os\nos.popen('ls')")]
    [InlineData("AC101", "import os as o\no.execv('/bin/sh', ['sh'])")]
    [InlineData("AC101", "import os\ngetattr(os, 'system')('ls')")]
    [InlineData("AC101", "import multiprocessing")]
    [InlineData("AC102", "import socket")]
    [InlineData("AC102", "from urllib.request import urlopen")]
    [InlineData("AC102", "import requests\nrequests.get('http://x')")]
    [InlineData("AC102", "import http.client as h")]
    [InlineData("AC103", "open('out.txt', 'w').write('x')")]
    [InlineData("AC103", "open('log.txt', mode='a')")]
    [InlineData("AC103", "import os\nos.remove('x')")]
    [InlineData("AC103", "import shutil\nshutil.rmtree('/data')")]
    [InlineData("AC103", "from pathlib import Path\nPath('x').write_text('y')")]
    [InlineData("AC104", "eval('1 + 1')")]
    [InlineData("AC104", "exec('print(1)')")]
    [InlineData("AC104", "compile('1', 'f', 'eval')")]
    [InlineData("AC104", "__import__('os')")]
    [InlineData("AC104", "import importlib\nimportlib.import_module('os')")]
    [InlineData("AC104", "import builtins\ngetattr(builtins, 'exec')('x')")]
    [InlineData("AC104", "f = __builtins__['eval']")]
    [InlineData("AC105", "import js\njs.alert('x')")]
    [InlineData("AC105", "from pyodide.code import run_js\nrun_js('1')")]
    [InlineData("AC105", "import pyodide_js")]
    [InlineData("AC105", "from js import fetch")]
    [InlineData("AC106", "().__class__.__base__.__subclasses__()")]
    [InlineData("AC106", "def f(): pass\nf.__globals__['x'] = 1")]
    [InlineData("AC106", "print(__builtins__)")]
    [InlineData("AC106", "getattr(object, '__subclasses__')()")]
    [InlineData("AC106", "import sys\nsys._getframe().f_back.f_globals")]
    [InlineData("AC106", "import ctypes")]
    [InlineData("AC107", "import base64\nexec(base64.b64decode('cHJpbnQoMSk='))")]
    [InlineData("AC107", "import codecs\neval(codecs.decode('cevag(1)', 'rot13'))")]
    [InlineData("AC107", "exec(bytes.fromhex('7072696e74283129').decode())")]
    [InlineData("AC107", "s = ''.join(chr(c) for c in [111, 115])")]
    [InlineData("AC107", "s = chr(111) + chr(115) + chr(46) + chr(115)")]
    [InlineData("AC107", "import os\ngetattr(os, 'sys' + 'tem')")]
    public async Task ItReportsTheRuleForTheConstruct(string rule, string code)
    {
        var result = await Check(code);
        Assert.Empty(result.SyntaxErrors);
        Assert.Contains(result.Findings, f => f.RuleId == rule);
        Assert.All(result.Findings, f => Assert.NotNull(Rules.Find(f.RuleId)));
    }

    [Fact]
    public async Task ItWarnsAboutALongEncodedLiteralWithoutBlocking()
    {
        var result = await Check("payload = '" + new string('A', 300) + "=='\n");
        var finding = Assert.Single(result.Findings);
        Assert.Equal(("AC107", Severity.Warning), (finding.RuleId, finding.Severity));
        Assert.False(result.IsBlocking);
    }

    [Fact]
    public async Task FileWritesAreAWarningNotABlocker()
    {
        var result = await Check("with open('/data/out.csv', 'w') as f:\n    f.write('x')\n");
        Assert.Equal(Severity.Warning, Assert.Single(result.Findings).Severity);
        Assert.False(result.IsBlocking);
    }

    [Fact]
    public async Task OrdinaryDataCodeHasNoFindings()
    {
        var code = """
            import csv, json, math, re, statistics
            from collections import Counter
            from pathlib import Path

            rows = list(csv.DictReader(open('/data/sales.csv')))
            text = Path('/data/notes.txt').read_text()
            counts = Counter(re.findall(r'\w+', text.lower()))
            values = [float(r['amount']) for r in rows]
            print(json.dumps({'mean': statistics.mean(values), 'top': counts.most_common(3), 'root': math.sqrt(2)}))
            print(getattr(rows[0], 'get', None), type(values).__name__)
            """;
        var result = await Check(code);
        Assert.Empty(result.SyntaxErrors);
        Assert.Empty(result.Findings);
        Assert.False(result.IsBlocking);
    }

    [Fact]
    public async Task ASyntaxErrorCarriesItsZeroBasedRange()
    {
        var result = await Check("x = 1\ndef f(:\n    pass\n");
        var error = Assert.Single(result.SyntaxErrors);
        Assert.Equal(new SourceRange(1, 6, 1, 7), error.Range);
        Assert.StartsWith("SyntaxError", error.Message, StringComparison.Ordinal);
        Assert.Empty(result.Findings);
        Assert.True(result.IsBlocking);
    }

    [Fact]
    public async Task AnUnclosedBracketIsReportedWhereItOpens()
    {
        var result = await Check("values = [1, 2,\nprint(values)\n");
        Assert.Equal(0, Assert.Single(result.SyntaxErrors).Range.StartLine);
    }

    [Fact]
    public async Task ColumnsCountUtf16CodeUnitsAfterNonAsciiText()
    {
        // 'é' is 2 UTF-8 bytes but 1 UTF-16 unit; '😀' is 4 bytes but 2 units: eval starts at UTF-16 column 15.
        var result = await Check("s = 'é😀'; x = eval('1')\n");
        var finding = Assert.Single(result.Findings);
        Assert.Equal(new SourceRange(0, 15, 0, 24), finding.Range);
    }

    [Fact]
    public async Task ADisabledRuleIsDropped()
    {
        IPythonChecker checker = fixture.Checker;
        var result = await checker.CheckAsync("import socket\neval('1')\n", CheckPolicy.Disabling(["ac102"]), CancellationToken.None);
        Assert.Equal(["AC104"], result.Findings.Select(f => f.RuleId));
    }

    [Fact]
    public async Task ADeeplyNestedExpressionIsAProblemNotACrash()
    {
        var result = await Check("x = " + new string('(', 5000) + new string(')', 5000) + "\n");
        Assert.NotEmpty(result.SyntaxErrors);
        var after = await Check("print('still working')\n");
        Assert.Empty(after.SyntaxErrors);
    }

    [Fact]
    public async Task ManyConcurrentChecksAllGetTheirOwnAnswer()
    {
        var tasks = Enumerable.Range(0, 8).Select(i => Check(i % 2 == 0 ? $"import socket  # {i}\n" : $"x = {i}\n")).ToArray();
        var results = await Task.WhenAll(tasks);
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? ["AC102"] : Array.Empty<string>(), results[i].Findings.Select(f => f.RuleId));
        }
    }

    [Fact]
    public void EveryRuleIsDocumentedInRulesMd()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "rules.md"));
        foreach (var rule in Rules.All)
        {
            Assert.Contains("## " + rule.Id, doc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryRuleTheCheckerCanReportIsInTheCatalog()
    {
        var python = Path.Combine(RepoPaths.Root, "server", "AgentCode.Sandbox", "Python");
        var checker = File.ReadAllText(Path.Combine(python, "check_support.py")) + File.ReadAllText(Path.Combine(python, "check.py"));
        var ids = System.Text.RegularExpressions.Regex.Matches(checker, "\"(AC\\d{3})\"").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.NotNull(Rules.Find(id)));
    }
}
