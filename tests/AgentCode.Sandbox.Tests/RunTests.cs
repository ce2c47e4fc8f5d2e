// Behaviour of ordinary runs: output, errors with tracebacks limited to the user's frames, exit codes, data
// files under /data, deadlines, cancellation and concurrent runs. Tests that rely on the host stopping a program
// have a timeout, so a sandbox that cannot stop it fails them instead of hanging the suite.
using System.Diagnostics;
using AgentCode.Sandbox;
using Xunit;

namespace AgentCode.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class RunTests(SandboxFixture fixture) : IDisposable
{
    // xunit makes one instance per test, so each test gets its own folder for data files.
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agentcode-data-");

    [Fact]
    public async Task ItPrintsWhatTheProgramPrints()
    {
        var result = await fixture.RunAsync("print('hello', 6 * 7)\nprint('héllo ✓')");
        Assert.Equal(RunStatus.Ok, result.Status);
        Assert.Equal("hello 42\nhéllo ✓\n", result.Stdout);
        Assert.Equal("", result.Stderr);
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task AnExceptionIsAnErrorWithATracebackOfTheUsersOwnFrames()
    {
        var result = await fixture.RunAsync("import sys\nprint('before')\nprint('warn', file=sys.stderr)\ndef f(x):\n    return 1 / x\nf(0)\n");
        Assert.Equal(RunStatus.Error, result.Status);
        Assert.Equal("before\n", result.Stdout);
        Assert.Equal("warn\n", result.Stderr);
        Assert.Equal("ZeroDivisionError: division by zero", result.Message);
        var error = Assert.IsType<PythonError>(result.Error);
        Assert.Equal("ZeroDivisionError", error.Type);
        Assert.Equal(5, error.Line);
        Assert.Contains("File \"main.py\", line 6", error.Traceback, StringComparison.Ordinal);
        Assert.Contains("return 1 / x", error.Traceback, StringComparison.Ordinal);
        Assert.DoesNotContain("<string>", error.Traceback, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASyntaxErrorInTheProgramIsAnError()
    {
        var result = await fixture.RunAsync("print('a'\n");
        Assert.Equal(RunStatus.Error, result.Status);
        Assert.Equal("SyntaxError", result.Error?.Type);
        Assert.Equal(1, result.Error?.Line);
    }

    [Fact]
    public async Task ExitingWithZeroIsOk()
    {
        var result = await fixture.RunAsync("import sys\nprint('done')\nsys.exit(0)\n");
        Assert.Equal(RunStatus.Ok, result.Status);
        Assert.Equal("done\n", result.Stdout);
    }

    [Fact]
    public async Task ADataFileIsReadableAtSlashData()
    {
        var csv = Path.Combine(_dir.FullName, "sales.csv");
        File.WriteAllText(csv, "region,amount\nnorth,10\nsouth,32\n");
        var result = await fixture.RunAsync(
            "import csv, os\nrows = list(csv.DictReader(open('/data/sales.csv')))\nprint(sum(int(r['amount']) for r in rows), sorted(os.listdir('/data')))\n",
            data: [new DataMount(csv)]);
        Assert.Equal(RunStatus.Ok, result.Status);
        Assert.Equal("42 ['sales.csv']\n", result.Stdout);
    }

    [Fact]
    public async Task ASqliteDatabaseOneRunWritesToOutputIsReadableFromDataInTheNextAndCannotBeChangedThere()
    {
        var written = await fixture.RunAsync(
            "import sqlite3\ndb = sqlite3.connect('/output/sales.db')\ndb.execute('create table sales(region, amount)')\n" +
            "db.executemany('insert into sales values (?, ?)', [('north', 10), ('south', 32)])\ndb.commit()\ndb.close()\nprint('written')\n");
        Assert.True(written.Status == RunStatus.Ok, $"{written.Status}: {written.Message}\n{written.Stderr}");
        var file = Assert.Single(written.Outputs, o => o.Name == "sales.db");
        var database = Path.Combine(_dir.FullName, "sales.db");
        File.WriteAllBytes(database, Convert.FromBase64String(file.Base64!));
        var before = File.ReadAllBytes(database);

        var read = await fixture.RunAsync(
            "import sqlite3\ndb = sqlite3.connect('/data/sales.db')\nprint(db.execute('select sum(amount) from sales').fetchone()[0])\n" +
            "try:\n    db.execute(\"insert into sales values ('east', 1)\")\n    db.commit()\n    print('changed')\n" +
            "except sqlite3.OperationalError as e:\n    print('refused:', e)\n",
            data: [new DataMount(database)]);

        Assert.True(read.Status == RunStatus.Ok, $"{read.Status}: {read.Message}\n{read.Stderr}");
        Assert.Equal("42\nrefused: attempt to write a readonly database\n", read.Stdout);
        Assert.Equal(before, File.ReadAllBytes(database));
    }

    [Fact]
    public async Task SqliteSortsAndIndexesMoreThanItsCacheHoldsThoughAGuestHasNoTemporaryFolder()
    {
        // About 10 MB of rows: the sort and the index spill past SQLite's page cache, into memory (there is no /tmp).
        var result = await fixture.RunAsync(
            "import sqlite3\ndb = sqlite3.connect(':memory:')\ndb.execute('create table t(a, b)')\n" +
            "db.executemany('insert into t values (?, ?)', ((i * 7919 % 100003, 'x' * 100) for i in range(100000)))\n" +
            "print(db.execute('select count(*), min(a) from (select a, b from t order by b, a desc)').fetchone())\n" +
            "db.execute('create index ia on t(b, a)')\nprint('indexed')\n");

        Assert.True(result.Status == RunStatus.Ok, $"{result.Status}: {result.Message}\n{result.Stderr}");
        Assert.Equal("(100000, 0)\nindexed\n", result.Stdout);
    }

    [Fact]
    public async Task ADataFolderIsMountedReadOnlyUnderItsName()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir.FullName, "inputs"));
        File.WriteAllText(Path.Combine(folder.FullName, "a.txt"), "alpha");
        var result = await fixture.RunAsync(
            "import os\nprint(os.listdir('/data'))\nprint(open('/data/inputs/a.txt').read())\ntry:\n    open('/data/inputs/b.txt', 'w')\nexcept OSError as e:\n    print('refused', type(e).__name__)\n",
            data: [new DataMount(folder.FullName)]);
        Assert.Equal(RunStatus.Ok, result.Status);
        Assert.StartsWith("['inputs']\nalpha\nrefused ", result.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder.FullName, "b.txt")));
    }

    [Fact]
    public async Task ASymlinkInsideADataFolderCannotLeadOutOfIt()
    {
        var secret = "canary-" + Guid.NewGuid().ToString("N");
        var canary = Path.Combine(_dir.FullName, "canary.txt");
        File.WriteAllText(canary, secret);
        var folder = Directory.CreateDirectory(Path.Combine(_dir.FullName, "inputs"));
        File.CreateSymbolicLink(Path.Combine(folder.FullName, "link.txt"), canary);
        File.CreateSymbolicLink(Path.Combine(folder.FullName, "etc"), "/etc");
        var result = await fixture.RunAsync(
            "for p in ('/data/inputs/link.txt', '/data/inputs/etc/passwd'):\n    try:\n        print(open(p).read())\n    except OSError as e:\n        print('refused', type(e).__name__)\n",
            data: [new DataMount(folder.FullName)]);
        Assert.Equal(RunStatus.Ok, result.Status);
        Assert.DoesNotContain(secret, result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, result.Stdout.Split("refused").Length - 1);
    }

    [Fact(Timeout = 120_000)]
    public async Task CancellationStopsARunPromptly()
    {
        using var cts = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var run = fixture.RunAsync("while True:\n    pass\n", RunLimits.Default with { Timeout = TimeSpan.FromMinutes(5) }, cancellationToken: cts.Token);
        cts.CancelAfter(TimeSpan.FromMilliseconds(500));
        var result = await run;
        Assert.Equal(RunStatus.Timeout, result.Status);
        Assert.Equal("The run was cancelled.", result.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"took {clock.Elapsed}");
    }

    [Fact(Timeout = 120_000)]
    public async Task ATimedOutRunKeepsTheOutputWrittenBeforeTheDeadline()
    {
        // Sleeping, not spinning, so the deadline can be generous enough for a slow start without costing CPU.
        var result = await fixture.RunAsync("import time\nprint('started', flush=True)\nwhile True:\n    time.sleep(1)\n", RunLimits.Default with { Timeout = TimeSpan.FromSeconds(6) });
        Assert.Equal(RunStatus.Timeout, result.Status);
        Assert.Equal("started\n", result.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task ShortSleepsEndAndTheProgramContinues()
    {
        var result = await fixture.RunAsync(
            "import time, select\nt = time.monotonic()\nfor _ in range(5):\n    time.sleep(0.0333)\nselect.select([], [], [], 0.05)\ntime.sleep(0.000001)\nprint(round(time.monotonic() - t, 1) >= 0.2)\n");
        Assert.Equal(RunStatus.Ok, result.Status);
        Assert.Equal("True\n", result.Stdout);
    }

    [Fact]
    public async Task OutputIsCutAtTheCap()
    {
        var limits = RunLimits.Default with { StdoutBytes = 1000 };
        var result = await fixture.RunAsync("for i in range(10000):\n    print('x' * 99)\n", limits);
        Assert.Equal(RunStatus.OutputLimit, result.Status);
        Assert.Equal(1000, result.Stdout.Length);
    }

    [Fact]
    public async Task ConcurrentRunsDoNotMixTheirOutput()
    {
        var runs = Enumerable.Range(0, 4).Select(i => fixture.RunAsync($"for _ in range(3):\n    print({i})\n")).ToArray();
        var results = await Task.WhenAll(runs);
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(RunStatus.Ok, results[i].Status);
            Assert.Equal(string.Concat(Enumerable.Repeat($"{i}\n", 3)), results[i].Stdout);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../escape.csv")]
    [InlineData("a\\b.csv")]
    public async Task ADataNameThatIsNotAPlainNameIsRefusedBeforeTheRun(string name)
    {
        var csv = Path.Combine(_dir.FullName, "sales.csv");
        File.WriteAllText(csv, "region\n");
        var result = await fixture.RunAsync("print('ran')", data: [new DataMount(csv, name)]);
        Assert.Equal(RunStatus.Error, result.Status);
        Assert.Equal($"The run could not start: '{name}' is not a valid name under /data. (Parameter 'mounts')", result.Message);
        Assert.Equal("", result.Stdout);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task OutputOfExactlyTheCapIsNotCut()
    {
        var limits = RunLimits.Default with { StdoutBytes = 1000 };
        var result = await fixture.RunAsync("print('x' * 999)\n", limits);
        Assert.Equal(RunStatus.Ok, result.Status);
        Assert.Equal(1000, result.Stdout.Length);
    }

    [Fact]
    public async Task AProgramThatEndsTheProcessWithItsOwnExitCodeIsAnErrorNamingTheCode()
    {
        var result = await fixture.RunAsync("import os\nprint('before', flush=True)\nos._exit(3)\n");
        Assert.Equal(RunStatus.Error, result.Status);
        Assert.Equal("The program exited with code 3.", result.Message);
        Assert.Equal(new PythonError("SystemExit", "exit code 3", "", null), result.Error);
        Assert.Equal("before\n", result.Stdout);
    }

    [Fact]
    public async Task AMissingDataFileIsAClearErrorNotAnException()
    {
        var result = await fixture.RunAsync("print(1)", data: [new DataMount("/nonexistent/agentcode/file.csv")]);
        Assert.Equal(RunStatus.Error, result.Status);
        Assert.Contains("does not exist", result.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
