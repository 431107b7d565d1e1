namespace KernelModel.Simulation.Fleet;

/// <summary>A rate per 1000 machine-years with its 95 % confidence interval.</summary>
/// <param name="Count">Events counted.</param>
/// <param name="PerThousand">Events per 1000 machine-years.</param>
/// <param name="Low">Lower end of the interval.</param>
/// <param name="High">Upper end of the interval.</param>
public sealed record RateInterval(long Count, double PerThousand, double Low, double High);

/// <summary>
/// A fleet study's result: the options, the machines done (all of them unless Ctrl+C stopped the run), one tally
/// per profile, and every model run the outcomes came from. Rates are computed from the integer tallies, so a
/// result merged from shards is the same as the result of one run.
/// </summary>
/// <param name="Options">The study.</param>
/// <param name="Shards">The shard indices this result covers (1-based), in order.</param>
/// <param name="Tallies">One tally per profile, in the order of <see cref="FleetOptions.Profiles"/>.</param>
/// <param name="Runs">The model runs behind the outcomes: (consumer, placement, profile) and what each showed.</param>
public sealed record FleetResult(FleetOptions Options, IReadOnlyList<int> Shards, IReadOnlyList<FleetTally> Tallies,
    IReadOnlyList<(string Consumer, string Placement, string Profile, Consumption Consumption)> Runs)
{
    /// <summary>Machines done.</summary>
    public long MachinesDone => Tallies.Count == 0 ? 0 : Tallies[0].Machines;

    /// <summary>The machines the covered shards were meant to run.</summary>
    public long MachinesPlanned => Shards.Sum(s => new FleetShard(s, Options.Shard.Count).Range(Options.Machines) is var (a, b) ? b - a : 0);

    /// <summary>Whether every machine of the covered shards ran (false after Ctrl+C).</summary>
    public bool Complete => MachinesDone == MachinesPlanned;

    /// <summary>Whether the result covers the whole study (all shards).</summary>
    public bool AllShards => Shards.Count == Options.Shard.Count;

    /// <summary>Machine-years simulated.</summary>
    public double MachineYears => MachinesDone * Options.Years;

    /// <summary>The tally of a profile.</summary>
    public FleetTally TallyOf(string profile) => Tallies[Options.Profiles.ToList().IndexOf(profile)];

    /// <summary>The rate of an outcome on a profile, per 1000 machine-years, with its interval.</summary>
    public RateInterval RateOf(string profile, ConsumptionOutcome outcome)
    {
        var t = TallyOf(profile);
        var count = t[outcome];
        var dispersion = PoissonInterval.Dispersion(count, t.OutcomeSquares[(int)outcome], t.Machines);
        var (low, high) = PoissonInterval.Of(count, dispersion);
        var scale = MachineYears > 0 ? 1000 / MachineYears : 0;
        return new RateInterval(count, count * scale, low * scale, high * scale);
    }

    /// <summary>The timeline's bins: how many, and how long each is in years.</summary>
    public static (int Count, double Years) Bins(double years)
    {
        var count = (int)Math.Clamp(Math.Round(12 * years), 1, 120);
        return (count, years / count);
    }
}
