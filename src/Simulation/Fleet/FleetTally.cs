namespace KernelModel.Simulation.Fleet;

/// <summary>
/// What a set of machines showed on one profile: counts only (integers), so tallies of any split of the machines
/// add up to exactly the tally of the whole, in any order (threads, shards). Per-machine sums of squares of the
/// outcome counts keep the spread between machines for the confidence intervals.
/// </summary>
public sealed class FleetTally
{
    /// <summary>A tally with <paramref name="bins"/> timeline bins.</summary>
    public FleetTally(int bins)
    {
        TimelineErrors = new long[bins];
        TimelineConsumed = new long[bins];
        TimelinePanics = new long[bins];
    }

    /// <summary>Machines tallied.</summary>
    public long Machines { get; set; }

    /// <summary>UE-causing faults.</summary>
    public long Faults { get; set; }

    /// <summary>Poisoned pages (errors): a fault poisons one or more.</summary>
    public long Errors { get; set; }

    /// <summary>Errors the patrol scrubber found first.</summary>
    public long ScrubFound { get; set; }

    /// <summary>Of those, pages memory_failure contained.</summary>
    public long ScrubContained { get; set; }

    /// <summary>Consumptions (first ones and recurrences), devices' included.</summary>
    public long Consumptions { get; set; }

    /// <summary>Consumptions by devices (DMA): not modelled.</summary>
    public long Dma { get; set; }

    /// <summary>CPU consumptions in user mode.</summary>
    public long UserMode { get; set; }

    /// <summary>CPU consumptions in kernel mode.</summary>
    public long KernelMode { get; set; }

    /// <summary>Kernel-mode consumptions after which the kernel died (panic or oops).</summary>
    public long KernelModeDeaths { get; set; }

    /// <summary>Consumptions that were recurrences of a permanent fault on a page not contained.</summary>
    public long Recurrences { get; set; }

    /// <summary>Consumptions by outcome (<see cref="ConsumptionOutcome"/> order).</summary>
    public long[] Outcomes { get; } = new long[OutcomeCount];

    /// <summary>Sum over machines of the square of each machine's count, per outcome.</summary>
    public long[] OutcomeSquares { get; } = new long[OutcomeCount];

    /// <summary>Consumptions by consumer/placement.</summary>
    public SortedDictionary<string, long> ByConsumer { get; } = new(StringComparer.Ordinal);

    /// <summary>Errors per timeline bin.</summary>
    public long[] TimelineErrors { get; }

    /// <summary>Consumptions per timeline bin.</summary>
    public long[] TimelineConsumed { get; }

    /// <summary>Panics per timeline bin.</summary>
    public long[] TimelinePanics { get; }

    /// <summary>The number of outcome kinds.</summary>
    public static int OutcomeCount => Enum.GetValues<ConsumptionOutcome>().Length;

    /// <summary>The count of one outcome.</summary>
    public long this[ConsumptionOutcome outcome] => Outcomes[(int)outcome];

    /// <summary>Adds one machine's outcome counts (and their squares).</summary>
    public void AddMachine(long[] perMachine)
    {
        Machines++;
        for (var i = 0; i < perMachine.Length; i++)
        {
            Outcomes[i] += perMachine[i];
            OutcomeSquares[i] += perMachine[i] * perMachine[i];
        }
    }

    /// <summary>Adds another tally into this one.</summary>
    /// <exception cref="ArgumentException">The timelines have different lengths.</exception>
    public void Add(FleetTally other)
    {
        if (other.TimelineErrors.Length != TimelineErrors.Length)
        {
            throw new ArgumentException("tallies with different timelines cannot be added", nameof(other));
        }

        Machines += other.Machines;
        Faults += other.Faults;
        Errors += other.Errors;
        ScrubFound += other.ScrubFound;
        ScrubContained += other.ScrubContained;
        Consumptions += other.Consumptions;
        Dma += other.Dma;
        UserMode += other.UserMode;
        KernelMode += other.KernelMode;
        KernelModeDeaths += other.KernelModeDeaths;
        Recurrences += other.Recurrences;
        for (var i = 0; i < OutcomeCount; i++)
        {
            Outcomes[i] += other.Outcomes[i];
            OutcomeSquares[i] += other.OutcomeSquares[i];
        }

        foreach (var (k, v) in other.ByConsumer)
        {
            ByConsumer[k] = ByConsumer.GetValueOrDefault(k) + v;
        }

        for (var i = 0; i < TimelineErrors.Length; i++)
        {
            TimelineErrors[i] += other.TimelineErrors[i];
            TimelineConsumed[i] += other.TimelineConsumed[i];
            TimelinePanics[i] += other.TimelinePanics[i];
        }
    }
}
