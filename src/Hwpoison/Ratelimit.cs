using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// struct ratelimit_state and ___ratelimit() (lib/ratelimit.c) on the machine's virtual clock: at most
/// <c>burst</c> messages per <c>interval</c>; the rest are counted as suppressed.
/// </summary>
/// <param name="clock">The machine's clock.</param>
/// <param name="interval">The window.</param>
/// <param name="burst">Messages allowed per window.</param>
[KernelSymbol("include/linux/ratelimit_types.h", "ratelimit_state")]
internal sealed class Ratelimit(VirtualClock clock, TimeSpan interval, int burst)
{
    /// <summary>DEFAULT_RATELIMIT_INTERVAL (5 * HZ).</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    /// <summary>DEFAULT_RATELIMIT_BURST.</summary>
    public const int DefaultBurst = 10;

    private long _begin = -1;
    private int _printed;

    /// <summary>___ratelimit(): whether this message may be printed now.</summary>
    [KernelSymbol("lib/ratelimit.c", "___ratelimit")]
    public bool Allow()
    {
        var now = clock.Nanoseconds;
        if (_begin < 0 || now - _begin >= interval.Ticks * 100)
        {
            _begin = now;
            _printed = 0;
        }

        if (_printed >= burst)
        {
            return false;
        }

        _printed++;
        return true;
    }
}
