using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// The memory controller's patrol scrubber as a kernel-side actor in virtual time: it reads all of physical
/// memory once per <see cref="Period"/> (24 h by default, the usual platform setting: field-rates.md section 4),
/// in address order (a pass longer than the period wraps and finds lines again), and reports each uncorrectable line it finds as the platform does for a scrub detection
/// (an SRAO/UCNA machine check or an asynchronous GHES record): memory_failure(pfn, 0), action optional, from a
/// kernel worker. The error is not consumed, so nothing is synchronous.
/// </summary>
public sealed class PatrolScrubber
{
    private readonly Machine _machine;
    private TaskStruct? _worker;
    private ulong _cursor;

    /// <summary>A scrubber covering all of memory every <paramref name="period"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The period is not positive.</exception>
    public PatrolScrubber(Machine machine, TimeSpan? period = null)
    {
        _machine = machine;
        Period = period ?? TimeSpan.FromHours(24);
        if (Period <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), Period, "the scrub period must be positive");
        }
    }

    /// <summary>The time one pass over all of memory takes.</summary>
    public TimeSpan Period { get; }

    /// <summary>The next physical address to scrub.</summary>
    public ulong Cursor => _cursor;

    /// <summary>
    /// Scrubs for <paramref name="duration"/> of virtual time from the cursor, wrapping at the end of memory. Each
    /// poisoned line found is reported at the moment the scrubber reaches it; the clock ends <paramref name="duration"/>
    /// later than it started. Returns the physical addresses of the lines reported, in order.
    /// </summary>
    public IReadOnlyList<ulong> Run(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        var size = _machine.Memory.Size;
        var start = _machine.Clock.Nanoseconds;
        var nsPerPeriod = (decimal)Period.Ticks * 100;
        var bytes = (ulong)((decimal)size * duration.Ticks * 100 / nsPerPeriod);
        var found = new List<ulong>();
        var poisoned = _machine.Memory.PoisonedLineAddresses().ToArray();
        for (ulong done = 0; done < bytes;)
        {
            var chunk = Math.Min(bytes - done, size - _cursor);
            foreach (var pa in poisoned.Where(a => a >= _cursor && a < _cursor + chunk))
            {
                var at = start + (long)((decimal)(done + (pa - _cursor)) * nsPerPeriod / size);
                _machine.Clock.AdvanceNanoseconds(Math.Max(0, at - _machine.Clock.Nanoseconds));
                Report(pa);
                found.Add(pa);
            }

            done += chunk;
            _cursor = (_cursor + chunk) % size;
        }

        _machine.Clock.AdvanceNanoseconds(Math.Max(0, start + (duration.Ticks * 100) - _machine.Clock.Nanoseconds));
        return found;
    }

    // The platform's report of a scrub detection reaches memory_failure(pfn, 0) in a kernel worker on CPU 0.
    private void Report(ulong pa)
    {
        _worker ??= _machine.Tasks.CreateKthread("kworker/0:2");
        var previous = _machine.CurrentCpuId;
        _machine.CurrentCpuId = 0;
        try
        {
            using (_machine.CurrentCpu.Enter(_worker, CpuMode.Kernel))
            {
                _machine.MemoryFailureHandler.MemoryFailure(pa >> PhysicalMemory.PageShift, MfFlags.None);
            }
        }
        finally
        {
            _machine.CurrentCpuId = previous;
        }
    }
}
