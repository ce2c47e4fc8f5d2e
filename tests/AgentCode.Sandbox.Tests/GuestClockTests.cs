// The sandbox's own clock_time_get and poll_oneoff (GuestClock), called directly by a small WebAssembly guest through
// the sandbox's Linker and Store, the way python.wasm calls them: pointers and counts outside the guest's memory are
// refused with EFAULT / EINVAL instead of reaching host memory, file descriptor subscriptions are answered at once,
// a timer waits for its own time only (relative, absolute, the shortest of several, "forever" until the run is
// stopped), and the clocks read what they name. Each test has a timeout, so a wait that never ends fails the test.
using System.Diagnostics;
using AgentCode.Sandbox;
using Wasmtime;
using Xunit;

namespace AgentCode.Sandbox.Tests;

[Collection(SharedSandbox.Name)]
public sealed class GuestClockTests(SandboxFixture fixture)
{
    private const int Einval = 28;
    private const int Efault = 21;
    private const int PageSize = 65536;
    private const int Subscription = 48;
    private const int Event = 32;

    private const string Wat = """
        (module
          (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
          (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (func (export "clock") (param i32 i32) (result i32) (call $clock (local.get 0) (i64.const 0) (local.get 1)))
          (func (export "poll") (param i32 i32 i32 i32) (result i32)
            (call $poll (local.get 0) (local.get 1) (local.get 2) (local.get 3))))
        """;

    /// <summary>A guest instance with the sandbox's WASI functions, in a Store whose stop signal is <paramref name="state"/>.</summary>
    private sealed class Guest : IDisposable
    {
        private readonly Module _module;
        private readonly Store _store;

        public Guest(PythonRuntime runtime, GuestRunState state)
        {
            _module = Module.FromText(runtime.Engine, "clock-guest", Wat);
            _store = runtime.CreateStore(state, new WasiConfiguration(), 16L * 1024 * 1024);
            var instance = runtime.Linker.Instantiate(_store, _module);
            Memory = instance.GetMemory("memory")!;
            Clock = instance.GetFunction<int, int, int>("clock")!;
            Poll = instance.GetFunction<int, int, int, int, int>("poll")!;
        }

        public Memory Memory { get; }

        public Func<int, int, int> Clock { get; }

        public Func<int, int, int, int, int> Poll { get; }

        /// <summary>Writes a clock subscription at <paramref name="at"/>.</summary>
        public void Timer(int at, long userData, int clockId, long timeout, bool absolute = false)
        {
            Memory.WriteInt64(at, userData);
            Memory.WriteByte(at + 8, 0);
            Memory.WriteInt32(at + 16, clockId);
            Memory.WriteInt64(at + 24, timeout);
            Memory.WriteInt64(at + 32, 0);
            Memory.WriteInt16(at + 40, (short)(absolute ? 1 : 0));
        }

        /// <summary>Writes an fd_read subscription at <paramref name="at"/>.</summary>
        public void FdRead(int at, long userData)
        {
            Memory.WriteInt64(at, userData);
            Memory.WriteByte(at + 8, 1);
            Memory.WriteInt32(at + 16, 0);
        }

        /// <summary>Fills <paramref name="length"/> bytes with 0xFF, so a field the host leaves unwritten shows.</summary>
        public void Smudge(int at, int length) => Memory.GetSpan(at, length).Fill(0xFF);

        public void Dispose()
        {
            _store.Dispose();
            _module.Dispose();
        }
    }

    private Guest Start(GuestRunState state) => new(fixture.Sandbox.Runtime, state);

    [Fact]
    public void ClockTimeGetRefusesAnUnknownClockAndAPointerOutsideTheGuestsMemory()
    {
        using var state = new GuestRunState();
        using var guest = Start(state);

        Assert.Equal(Einval, guest.Clock(4, 0));
        Assert.Equal(Einval, guest.Clock(-1, 0));
        Assert.Equal(0, guest.Clock(3, 0));
        Assert.Equal(Efault, guest.Clock(1, PageSize - 7));
        Assert.Equal(Efault, guest.Clock(1, -1));
        guest.Memory.WriteInt64(PageSize - 8, 0);
        Assert.Equal(0, guest.Clock(1, PageSize - 8));
        Assert.True(guest.Memory.ReadInt64(PageSize - 8) > 0, "the last 8 bytes of memory hold the time");
    }

    [Fact]
    public void TheRealtimeClockReadsUnixTimeInNanosecondsAndTheMonotonicClockDoesNotGoBack()
    {
        using var state = new GuestRunState();
        using var guest = Start(state);

        var before = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        Assert.Equal(0, guest.Clock(0, 64));
        var after = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        Assert.InRange(guest.Memory.ReadInt64(64), before, after);

        Assert.Equal(0, guest.Clock(1, 64));
        var first = guest.Memory.ReadInt64(64);
        Assert.Equal(0, guest.Clock(1, 64));
        Assert.True(guest.Memory.ReadInt64(64) >= first);
        Assert.True(first < before / 10, "the monotonic clock counts from the host's start, not from 1970");
    }

    [Fact]
    public void PollOneoffRefusesNoSubscriptionsAndBuffersOutsideTheGuestsMemory()
    {
        using var state = new GuestRunState();
        using var guest = Start(state);
        guest.FdRead(0, 1);
        guest.FdRead(PageSize - Subscription, 1);

        Assert.Equal(Einval, guest.Poll(0, 1024, 0, 2048));
        Assert.Equal(Einval, guest.Poll(0, 1024, -1, 2048));
        Assert.Equal(Efault, guest.Poll(-Subscription, 1024, 1, 2048));
        Assert.Equal(Efault, guest.Poll(PageSize - Subscription + 1, 1024, 1, 2048));
        Assert.Equal(Efault, guest.Poll(0, -Event, 1, 2048));
        Assert.Equal(Efault, guest.Poll(0, PageSize - Event + 1, 1, 2048));
        Assert.Equal(Efault, guest.Poll(0, 1024, 1, -4));
        Assert.Equal(Efault, guest.Poll(0, 1024, 1, PageSize - 3));
        Assert.Equal(Efault, guest.Poll(0, 1024, (PageSize / Subscription) + 1, 2048));

        // Exactly at the end of memory is inside it.
        Assert.Equal(0, guest.Poll(PageSize - Subscription, 1024, 1, 2048));
        Assert.Equal(0, guest.Poll(0, PageSize - Event, 1, 2048));
        Assert.Equal(0, guest.Poll(0, 1024, 1, PageSize - 4));
        Assert.Equal(1, guest.Memory.ReadInt32(PageSize - 4));
    }

    [Fact(Timeout = 60_000)]
    public Task AFileDescriptorSubscriptionIsAnsweredAtOnceEvenBesideALongTimer() => Task.Run(() =>
    {
        using var state = new GuestRunState();
        using var guest = Start(state);
        guest.Timer(0, 7, 1, 1_000_000_000_000_000);
        guest.FdRead(Subscription, 9);
        guest.Smudge(1024, 2 * Event);

        Assert.Equal(0, guest.Poll(0, 1024, 2, 2048));

        Assert.Equal(1, guest.Memory.ReadInt32(2048));
        Assert.Equal(9, guest.Memory.ReadInt64(1024));
        Assert.Equal(0, guest.Memory.ReadInt16(1024 + 8));
        Assert.Equal(1, guest.Memory.ReadByte(1024 + 10));
        Assert.Equal(0, guest.Memory.ReadInt64(1024 + 16));
        Assert.Equal(0, guest.Memory.ReadInt16(1024 + 24));
    });

    [Fact(Timeout = 60_000)]
    public Task ATimerWaitsForTheShortestOfItsTimeoutsAndReportsThatOne() => Task.Run(() =>
    {
        using var state = new GuestRunState();
        using var guest = Start(state);
        guest.Timer(0, 1, 1, 1_000_000_000_000_000);
        guest.Timer(Subscription, 2, 1, 50_000_000);
        guest.Timer(2 * Subscription, 3, 1, 2_000_000_000_000);
        guest.Timer(3 * Subscription, 4, 1, 50_000_000); // as short as the second: the first of them is reported
        guest.Smudge(1024, Event);

        var clock = Stopwatch.StartNew();
        Assert.Equal(0, guest.Poll(0, 1024, 4, 2048));
        clock.Stop();

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(50), $"returned after {clock.Elapsed}");
        Assert.Equal(1, guest.Memory.ReadInt32(2048));
        Assert.Equal(2, guest.Memory.ReadInt64(1024));
        Assert.Equal(0, guest.Memory.ReadInt16(1024 + 8));
        Assert.Equal(0, guest.Memory.ReadByte(1024 + 10));
        Assert.Equal(0, guest.Memory.ReadInt64(1024 + 16));
        Assert.Equal(0, guest.Memory.ReadInt16(1024 + 24));
    });

    [Fact(Timeout = 60_000)]
    public Task AnAbsoluteTimerWaitsUntilItsTimeOnTheClockItNames() => Task.Run(() =>
    {
        using var state = new GuestRunState();
        using var guest = Start(state);

        // Realtime: 50 ms from now, as CPython's clock_nanosleep(TIMER_ABSTIME) asks.
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, guest.Clock(0, 4000));
        guest.Timer(0, 5, 0, guest.Memory.ReadInt64(4000) + 50_000_000, absolute: true);
        Assert.Equal(0, guest.Poll(0, 1024, 1, 2048));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(45), $"returned after {clock.Elapsed}");
        Assert.Equal(5, guest.Memory.ReadInt64(1024));

        // A relative timeout of zero: at once.
        guest.Timer(0, 7, 1, 0);
        Assert.Equal(0, guest.Poll(0, 1024, 1, 2048));
        Assert.Equal(7, guest.Memory.ReadInt64(1024));

        // Monotonic, in the past: at once.
        Assert.Equal(0, guest.Clock(1, 4000));
        guest.Timer(0, 6, 1, guest.Memory.ReadInt64(4000) - 1_000_000_000, absolute: true);
        Assert.Equal(0, guest.Poll(0, 1024, 1, 2048));
        Assert.Equal(6, guest.Memory.ReadInt64(1024));
        Assert.Equal(1, guest.Memory.ReadInt32(2048));
    });

    [Fact(Timeout = 60_000)]
    public Task ATimeoutPastTwoToTheSixtyThirdNanosecondsWaitsUntilTheRunIsStopped() => Task.Run(() =>
    {
        using var state = new GuestRunState();
        using var guest = Start(state);
        guest.Timer(0, 8, 1, -1);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        using var onDeadline = deadline.Token.Register(() => state.Stop(StopReason.Deadline));

        var clock = Stopwatch.StartNew();
        Assert.ThrowsAny<WasmtimeException>(() => guest.Poll(0, 1024, 1, 2048));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(250), $"returned after {clock.Elapsed}");
    });

    [Fact(Timeout = 60_000)]
    public Task AZeroLengthSleepOfAStoppedRunTrapsInsteadOfReturning() => Task.Run(() =>
    {
        // A program that sleeps 0 s in a loop must still be stopped by a sleep, not only by the epoch callback.
        using var state = new GuestRunState();
        using var guest = Start(state);
        guest.Timer(0, 9, 1, 0);
        Assert.Equal(0, guest.Poll(0, 1024, 1, 2048));
        Assert.Equal(9, guest.Memory.ReadInt64(1024));

        state.Stop(StopReason.Cancelled);
        Assert.ThrowsAny<WasmtimeException>(() => guest.Poll(0, 1024, 1, 2048));
    });

    [Fact(Timeout = 60_000)]
    public async Task ASleepPastTheRunsTimeLimitEndsAtTheLimitOnTheGuestsOwnThreadWithoutAnyTimer() => await Task.Run(() =>
    {
        // No Deadline timer here: only the limit the state was given, as when the thread pool is too busy to fire one.
        using var state = new GuestRunState();
        state.LimitTo(TimeSpan.FromMilliseconds(200), Stopwatch.StartNew());

        Assert.Throws<GuestStoppedException>(() => state.Sleep(TimeSpan.FromSeconds(30).Ticks * 100));
        Assert.Equal(StopReason.Deadline, state.Reason);
    });

    [Fact]
    public void TheEpochCallbacksCheckStopsARunWhoseTimeLimitHasPassed()
    {
        using var state = new GuestRunState();
        var clock = Stopwatch.StartNew();
        state.LimitTo(TimeSpan.FromHours(1), clock);
        Assert.True(state.GoOn());
        Assert.Equal(StopReason.None, state.Reason);

        state.LimitTo(TimeSpan.Zero, clock);
        Assert.False(state.GoOn());
        Assert.Equal(StopReason.Deadline, state.Reason);
    }
}
