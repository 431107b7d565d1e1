namespace KernelModel.Mm;

/// <summary>
/// The machine's only time source: nanoseconds since boot, advanced by the simulation, never read from
/// the host. Console timestamps and the workers' schedules come from here.
/// </summary>
public sealed class VirtualClock
{
    /// <summary>Nanoseconds since boot (local_clock()).</summary>
    public long Nanoseconds { get; private set; }

    /// <summary>Time since boot.</summary>
    public TimeSpan Now => TimeSpan.FromTicks(Nanoseconds / 100);

    /// <summary>Moves time forward.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The step is negative: time does not go back.</exception>
    public void Advance(TimeSpan step)
    {
        if (step < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "virtual time only moves forward");
        }

        Nanoseconds += step.Ticks * 100;
    }

    /// <summary>Moves time forward by nanoseconds.</summary>
    public void AdvanceNanoseconds(long ns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ns);
        Nanoseconds += ns;
    }
}
