// How the host reports the end of a run, word for word: the interpreter flags in effect inside the guest, the
// sentences of the output-limit, stderr-cap, no-result, stack-overflow and abnormal-end messages, stderr cut at its
// cap (and kept whole at exactly the cap), what a program writes after the runner's result record, and the /output
// watch's boundaries: exactly twice the caps is left to the contract's own sentence, one more stops the run.
using AgentCode.Sandbox;
using Xunit;

namespace AgentCode.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class RunReportTests(SandboxFixture fixture)
{
    /// <summary>Keeps the program running for a while after its writes, so the /output watch looks at the folder many times.</summary>
    private const string Linger = "import time\nfor _ in range(50):\n    time.sleep(0.01)\n";

    /// <summary>Waits until the host stops the program; a watch that never stops it lets the deadline end the run instead.</summary>
    private const string WaitToBeStopped = "import time\nwhile True:\n    time.sleep(0.01)\n";

    [Fact]
    public async Task TheProgramRunsIsolatedWithoutSiteWithoutBytecodeWritesAndInUtf8Mode()
    {
        var result = await fixture.RunAsync(
            "import sys\nf = sys.flags\nprint(f.isolated, f.ignore_environment, f.no_user_site, f.no_site, f.dont_write_bytecode, f.utf8_mode, 'site' in sys.modules)\n");

        Assert.Equal(RunStatus.Ok, result.Status);
        Assert.Equal("1 1 1 1 1 1 False\n", result.Stdout);
    }

    [Fact]
    public async Task WritingPastTheStdoutCapEndsTheRunWithASentenceNamingBothCaps()
    {
        var limits = SandboxFixture.Quick with { StdoutBytes = 2048, StderrBytes = 4096 };
        var result = await fixture.RunAsync("while True:\n    print('x' * 99)\n", limits);

        Assert.Equal(RunStatus.OutputLimit, result.Status);
        Assert.Equal("The program wrote more than the output limit (2 KiB stdout, 4 KiB stderr) and was stopped.", result.Message);
        Assert.Equal(2048, result.Stdout.Length);
    }

    [Fact]
    public async Task StderrPastItsCapIsCutAtTheCapAndTheRunEndsWithOutputLimit()
    {
        var limits = SandboxFixture.Quick with { StderrBytes = 2048 };
        var result = await fixture.RunAsync("import sys\nsys.stderr.write('e' * 3000)\nprint('finished')\n", limits);

        Assert.Equal(RunStatus.OutputLimit, result.Status);
        Assert.Equal("The program wrote more than 2 KiB to stderr.", result.Message);
        Assert.Equal(new string('e', 2048), result.Stderr);
        Assert.Equal("finished\n", result.Stdout);
    }

    [Fact]
    public async Task StderrOfExactlyItsCapIsKeptWholeAndTheRunIsOk()
    {
        var limits = SandboxFixture.Quick with { StderrBytes = 2048 };
        var result = await fixture.RunAsync("import sys\nsys.stderr.write('e' * 2048)\n", limits);

        Assert.Equal(RunStatus.Ok, result.Status);
        Assert.Equal(new string('e', 2048), result.Stderr);
    }

    [Fact]
    public async Task WhatTheProgramWritesToStderrAfterTheResultRecordIsShownAndTheRecordStillCounts()
    {
        // An atexit handler runs after the runner has written its record, so its text follows the record's line.
        var result = await fixture.RunAsync(
            "import atexit, sys\natexit.register(lambda: sys.stderr.write('goodbye\\n'))\nprint('warn', file=sys.stderr)\nraise ValueError('bad value')\n");

        Assert.Equal(RunStatus.Error, result.Status);
        Assert.Equal("ValueError: bad value", result.Message);
        Assert.Equal("ValueError", result.Error?.Type);
        Assert.Equal("warn\ngoodbye\n", result.Stderr);
    }

    [Fact]
    public async Task AProgramThatEndsTheProcessWithCodeZeroBeforeTheRunnerReportsIsAnErrorSayingSo()
    {
        var result = await fixture.RunAsync("import os\nprint('before', flush=True)\nos._exit(0)\n");

        Assert.Equal(RunStatus.Error, result.Status);
        Assert.Equal("The program ended without reporting a result (it may have closed stderr).", result.Message);
        Assert.Null(result.Error);
        Assert.Equal("before\n", result.Stdout);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("__repr__", "repr(Loop())")]
    [InlineData("__getattr__", "Loop().x")]
    public async Task RecursionThroughCThatOverflowsTheSandboxStackIsARecursionError(string method, string call)
    {
        var result = await fixture.RunAsync(
            $"import sys\nsys.setrecursionlimit(10 ** 7)\nclass Loop:\n    def {method}(self, *args):\n        return {call.Replace("Loop()", "self", StringComparison.Ordinal)}\nprint('start', flush=True)\n{call}\n");

        Assert.Equal(RunStatus.Error, result.Status);
        Assert.Equal("The program recursed too deeply and overflowed the sandbox's stack.", result.Message);
        Assert.Equal("RecursionError", result.Error?.Type);
        Assert.Equal("maximum recursion depth exceeded (the sandbox's stack overflowed)", result.Error?.Message);
        Assert.Equal("RecursionError: maximum recursion depth exceeded\n", result.Error?.Traceback);
        Assert.Equal("start\n", result.Stdout);
    }

    [Fact]
    public async Task AnInterpreterThatAbortsIsAnErrorNamingTheTrapsCauseInOneSentence()
    {
        var result = await fixture.RunAsync("import os\nprint('start', flush=True)\nos.abort()\n");

        Assert.Equal(RunStatus.Error, result.Status);
        Assert.Equal("The interpreter stopped abnormally (wasm `unreachable` instruction executed).", result.Message);
        Assert.Null(result.Error);
        Assert.Equal("start\n", result.Stdout);
    }

    [Fact(Timeout = 60_000)]
    public async Task ExactlyTwiceTheFileCapUnderOutputIsLeftToTheContractsSentence()
    {
        var limits = SandboxFixture.Quick with { OutputFiles = 2 };
        var result = await fixture.RunAsync("for i in range(4):\n    open(f'/output/f{i}.txt', 'w').close()\n" + Linger, limits);

        Assert.Equal(RunStatus.OutputLimit, result.Status);
        Assert.Equal("The program wrote 4 files under /output, more than the file cap of 2 files; the first ones are shown.", result.Message);
        Assert.Equal(2, result.Outputs.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task OneFileMoreThanTwiceTheFileCapUnderOutputStopsTheRun()
    {
        var limits = SandboxFixture.Quick with { OutputFiles = 2, Timeout = TimeSpan.FromSeconds(30) };
        var result = await fixture.RunAsync("for i in range(5):\n    open(f'/output/f{i}.txt', 'w').close()\n" + WaitToBeStopped, limits);

        Assert.Equal(RunStatus.OutputLimit, result.Status);
        Assert.Equal("The program wrote more than 2 files under /output (the file cap) and was stopped.", result.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task ExactlyTwiceTheSizeCapUnderOutputIsLeftToTheContractsSentence()
    {
        var limits = SandboxFixture.Quick with { OutputBytes = 1024 * 1024 };
        var result = await fixture.RunAsync("open('/output/big.bin', 'wb').write(b'x' * (2 * 1024 * 1024))\n" + Linger, limits);

        Assert.Equal(RunStatus.OutputLimit, result.Status);
        Assert.Equal("The program wrote more than 1 MiB under /output (the output size cap).", result.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task OneByteMoreThanTwiceTheSizeCapUnderOutputStopsTheRun()
    {
        var limits = SandboxFixture.Quick with { OutputBytes = 1024 * 1024, Timeout = TimeSpan.FromSeconds(30) };
        var result = await fixture.RunAsync("open('/output/big.bin', 'wb').write(b'x' * (2 * 1024 * 1024 + 1))\n" + WaitToBeStopped, limits);

        Assert.Equal(RunStatus.OutputLimit, result.Status);
        Assert.Equal("The program wrote more than 1 MiB under /output (the output size cap) and was stopped.", result.Message);
    }
}
