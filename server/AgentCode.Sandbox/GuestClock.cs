// Replaces two WASI functions so that sleeping can be interrupted. Wasmtime's own poll_oneoff blocks the host
// thread, where epoch interruption cannot reach it, so 'time.sleep(10**9)' would outlive any deadline. Our
// poll_oneoff waits on the run's stop signal instead, and clock_time_get gives a monotonic clock we control so
// absolute sleeps (CPython uses clock_nanosleep with TIMER_ABSTIME) can be converted to a wait.
using System.Diagnostics;
using Wasmtime;

namespace AgentCode.Sandbox;

internal static class GuestClock
{
    private const int ErrnoSuccess = 0;
    private const int ErrnoFault = 21;
    private const int ErrnoInval = 28;
    private const int SubscriptionSize = 48;
    private const int EventSize = 32;

    public static void Define(Linker linker)
    {
        linker.DefineFunction("wasi_snapshot_preview1", "clock_time_get",
            (Caller caller, int clockId, long precision, int resultPtr) => ClockTimeGet(caller, clockId, resultPtr));
        linker.DefineFunction("wasi_snapshot_preview1", "poll_oneoff",
            (Caller caller, int subscriptions, int events, int count, int countPtr) => PollOneoff(caller, subscriptions, events, count, countPtr));
    }

    private static long MonotonicNanoseconds() => (long)(Stopwatch.GetTimestamp() * (1_000_000_000.0 / Stopwatch.Frequency));

    private static long Now(int clockId) => clockId switch
    {
        0 => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100,
        _ => MonotonicNanoseconds(),
    };

    private static int ClockTimeGet(Caller caller, int clockId, int resultPtr)
    {
        if (clockId is < 0 or > 3)
        {
            return ErrnoInval;
        }

        var memory = caller.GetMemory("memory");
        if (memory is null || resultPtr < 0 || resultPtr + 8L > memory.GetLength())
        {
            return ErrnoFault;
        }

        memory.WriteInt64(resultPtr, Now(clockId));
        return ErrnoSuccess;
    }

    private static int PollOneoff(Caller caller, int subscriptions, int events, int count, int countPtr)
    {
        var memory = caller.GetMemory("memory");
        if (count <= 0)
        {
            return ErrnoInval;
        }

        var length = memory?.GetLength() ?? 0;
        if (memory is null || subscriptions < 0 || events < 0 || countPtr < 0
            || subscriptions + ((long)count * SubscriptionSize) > length || events + ((long)count * EventSize) > length
            || countPtr + 4L > length)
        {
            return ErrnoFault;
        }

        // File descriptors (stdin is a file, stdout/stderr are host callbacks) are always ready, so any fd
        // subscription answers at once; only a pure timer waits.
        var written = 0;
        var shortestWait = long.MaxValue;
        var shortestIndex = -1;
        for (var i = 0; i < count; i++)
        {
            long sub = subscriptions + ((long)i * SubscriptionSize);
            var tag = memory.ReadByte(sub + 8);
            if (tag == 0)
            {
                var clockId = memory.ReadInt32(sub + 16);
                var timeout = memory.ReadInt64(sub + 24);
                var absolute = (memory.ReadInt16(sub + 40) & 1) != 0;
                var wait = absolute ? timeout - Now(clockId) : timeout;
                if (timeout < 0)
                {
                    wait = long.MaxValue; // an unsigned timeout past 2^63 ns: effectively forever
                }

                // The first timer is taken even when it is "forever" (long.MaxValue), so that such a sleep waits for the
                // stop signal instead of returning at once with no event.
                if (shortestIndex < 0 || wait < shortestWait)
                {
                    shortestWait = wait;
                    shortestIndex = i;
                }
            }
            else
            {
                WriteEvent(memory, events + ((long)written * EventSize), memory.ReadInt64(sub), tag);
                written++;
            }
        }

        if (written == 0 && shortestIndex >= 0)
        {
            var run = caller.GetData() as GuestRunState;
            run?.Sleep(shortestWait);
            long sub = subscriptions + ((long)shortestIndex * SubscriptionSize);
            WriteEvent(memory, events, memory.ReadInt64(sub), 0);
            written = 1;
        }

        memory.WriteInt32(countPtr, written);
        return ErrnoSuccess;
    }

    private static void WriteEvent(Memory memory, long at, long userData, byte type)
    {
        memory.WriteInt64(at, userData);
        memory.WriteInt16(at + 8, 0);
        memory.WriteByte(at + 10, type);
        memory.WriteInt64(at + 16, 0);
        memory.WriteInt16(at + 24, 0);
    }
}
