using System.Globalization;
using KernelModel.Simulation.Fleet;

namespace KernelModel.Simulation.Simulate;

/// <summary>
/// One machine running a workload in virtual time while errors arrive (<c>kmodel simulate</c>). <see cref="Validate"/>
/// names any bad value and its valid range.
/// </summary>
public sealed record SimulateOptions
{
    /// <summary>The error rate by default: 1e-2 per GB-hour, about 10^7 times the field rate (1.25e-9), so one machine-day shows recoveries.</summary>
    public const double AcceleratedRate = 1e-2;

    /// <summary>The architecture profile.</summary>
    public string Profile { get; init; } = "riscv64";

    /// <summary>The workload: a name, or names joined with '+' (kmodel simulate --help lists them).</summary>
    public string Workload { get; init; } = "cloud-host";

    /// <summary>Virtual time to run.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Physical memory.</summary>
    public ulong MemoryBytes { get; init; } = 64UL << 30;

    /// <summary>NUMA nodes.</summary>
    public int Nodes { get; init; } = 2;

    /// <summary>CPUs.</summary>
    public int Cpus { get; init; } = 16;

    /// <summary>The seed of every random choice.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Errors (poisoned lines) per GB of memory per hour. The default is accelerated (see <see cref="AcceleratedRate"/>);
    /// the field rate is FieldRates' rate.ue-per-gb-hour.
    /// </summary>
    public double ErrorRate { get; init; } = AcceleratedRate;

    /// <summary>The patrol scrubber's cycle over all of memory (field-rates.md row 11: 24 h).</summary>
    public TimeSpan ScrubPeriod { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The scheduler's step: actors run at multiples of it, errors arrive at its start.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>kernel.panic_on_oops (the kernel default is off).</summary>
    public bool PanicOnOops { get; init; }

    /// <summary>Checks every field.</summary>
    /// <exception cref="ArgumentException">A value out of range; the message names it and the range.</exception>
    public void Validate(IEnumerable<string> profiles, WorkloadCatalog workloads)
    {
        var known = profiles.ToHashSet(StringComparer.Ordinal);
        if (!known.Contains(Profile))
        {
            throw new ArgumentException($"unknown profile '{Profile}': valid profiles are {string.Join(", ", known.Order(StringComparer.Ordinal))}");
        }

        workloads.Resolve(Workload);
        Check(Duration >= TimeSpan.FromMinutes(1) && Duration <= TimeSpan.FromDays(366), $"--duration {Units.FormatDuration(Duration)}", "1m..366d");
        Check(MemoryBytes >= 1UL << 30 && MemoryBytes <= 16UL << 40, $"--memory {Units.FormatBytes(MemoryBytes)}", "1GiB..16TiB");
        Check(Nodes is >= 1 and <= 64, Invariant($"--nodes {Nodes}"), "1..64");
        Check(MemoryBytes % ((ulong)Nodes << 27) == 0, $"--memory {Units.FormatBytes(MemoryBytes)}", Invariant($"a multiple of {Nodes} x 128MiB"));
        Check(Cpus is >= 1 and <= 1024, Invariant($"--cpus {Cpus}"), "1..1024");
        Check(double.IsFinite(ErrorRate) && ErrorRate >= 0 && ErrorRate <= 1, Invariant($"--error-rate {ErrorRate}"), "0..1 per GB-hour");
        Check(ScrubPeriod >= TimeSpan.FromHours(1) && ScrubPeriod <= TimeSpan.FromDays(30), $"--scrub-period {Units.FormatDuration(ScrubPeriod)}", "1h..30d");
        Check(Tick >= TimeSpan.FromSeconds(1) && Tick <= TimeSpan.FromHours(1) && Tick <= Duration, $"--tick {Units.FormatDuration(Tick)}", "1s..1h, at most the duration");
        var expected = ErrorRate * (MemoryBytes / 1e9) * Duration.TotalHours;
        Check(expected <= 100_000, Invariant($"--error-rate {ErrorRate}"), Invariant($"a rate giving at most 100000 errors over the run (this one gives {expected:0})"));
    }

    /// <summary>The field rate, for <c>--error-rate field</c>.</summary>
    public static double FieldRate => FieldRates.Get(FieldRates.Rate).Default;

    private static void Check(bool ok, string what, string range)
    {
        if (!ok)
        {
            throw new ArgumentException($"invalid {what}: valid values are {range}");
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
