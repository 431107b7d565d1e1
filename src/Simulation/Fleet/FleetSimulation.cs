using KernelModel.Mm;
using KernelModel.Simulation.Reports;
using KernelModel.Simulation.Scenarios;
using KernelModel.Simulation.Simulate;

namespace KernelModel.Simulation.Fleet;

/// <summary>
/// The fleet Monte Carlo: machines x years, each machine drawing its errors from the field rates with its own
/// random stream (<see cref="SplitMix64"/> from the seed and its index). Each error is found by the patrol scrubber
/// or consumed; a consumed error is assigned a consumer and placement by the mix, and its outcome on each profile is
/// the outcome of running that consumer on a small machine of that profile (<see cref="ConsumptionRunner"/>). Every
/// machine's errors are the same on every profile, so the profiles are compared on the same events. Machines run on
/// all cores (Parallel.For); since each machine's draws depend only on its index and tallies are integer sums, the
/// result is the same on any number of cores and for any split into shards.
/// </summary>
/// <remarks>Usable without the command line: resolve it from <c>KmodelHost.BuildHost(...).Services</c> and call <see cref="Run(FleetOptions, CancellationToken)"/>.</remarks>
public sealed class FleetSimulation(ProfileCatalog profiles, ScenarioCatalog scenarios, ScenarioObserver observer, ConsumerCatalog consumers)
{
    private const int MaxRecurrences = 10;
    private const int ProgressStep = 1024;

    /// <summary>Runs the machines of the options' shard; stops early (Complete = false) when <paramref name="cancel"/> fires.</summary>
    /// <exception cref="ArgumentException">Invalid options; the message names the value and its range.</exception>
    public FleetResult Run(FleetOptions options, CancellationToken cancel = default) => Run(options, null, cancel);

    /// <summary>Runs as <see cref="Run(FleetOptions, CancellationToken)"/>, advancing <paramref name="progress"/> as machines finish.</summary>
    /// <exception cref="ArgumentException">Invalid options; the message names the value and its range.</exception>
    public FleetResult Run(FleetOptions options, ProgressBar? progress, CancellationToken cancel)
    {
        options.Validate(profiles.All.Select(p => p.Name));
        var runner = new ConsumptionRunner(profiles, scenarios, observer, consumers, options.Seed);
        var plan = new Plan(options);
        var (start, end) = options.Shard.Range(options.Machines);
        var tallies = NewTallies(options);
        var gate = new Lock();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads == 0 ? -1 : options.Threads };
        Parallel.For(start, end, parallel, NewTalliesFunc(options), (index, state, local) =>
        {
            if (cancel.IsCancellationRequested)
            {
                state.Stop();
                return local;
            }

            RunMachine(plan, runner, index, local);
            if (progress is not null && (index - start) % ProgressStep == ProgressStep - 1)
            {
                progress.Advance(ProgressStep);
            }

            return local;
        }, local =>
        {
            lock (gate)
            {
                for (var p = 0; p < tallies.Length; p++)
                {
                    tallies[p].Add(local[p]);
                }
            }
        });
        return new FleetResult(options, [options.Shard.Index], tallies, runner.Runs.Where(r => options.Profiles.Contains(r.Profile)).ToArray());
    }

    /// <summary>Empty tallies for the options' profiles.</summary>
    public static FleetTally[] NewTallies(FleetOptions options) =>
        options.Profiles.Select(_ => new FleetTally(FleetResult.Bins(options.Years).Count)).ToArray();

    private static Func<FleetTally[]> NewTalliesFunc(FleetOptions options) => () => NewTallies(options);

    // One machine: its errors (the same on every profile), then each profile's outcomes.
    private static void RunMachine(Plan plan, ConsumptionRunner runner, long index, FleetTally[] tallies)
    {
        var rng = new SplitMix64(plan.Options.Seed, index);
        var errors = plan.Draw(ref rng);
        var perMachine = new long[FleetTally.OutcomeCount];
        for (var p = 0; p < tallies.Length; p++)
        {
            Array.Clear(perMachine);
            var tally = tallies[p];
            tally.Faults += errors.Faults;
            foreach (var e in errors.Pages)
            {
                Evaluate(plan, runner, plan.Options.Profiles[p], e, tally, perMachine);
            }

            tally.AddMachine(perMachine);
        }
    }

    private static void Evaluate(Plan plan, ConsumptionRunner runner, string profile, PageError e, FleetTally t, long[] perMachine)
    {
        t.Errors++;
        t.TimelineErrors[e.Bin]++;
        if (e.Scrub)
        {
            t.ScrubFound++;
            var found = runner.Get("scrub", FieldRates.ScrubClasses[e.Pick], profile);
            if (found.Contained)
            {
                t.ScrubContained++;
            }
            else if (e.KernelLater && FieldRates.ScrubClasses[e.Pick] == "slab")
            {
                Consume(plan, runner, profile, ("kernel-data", "slab"), e, t, perMachine);
            }

            return;
        }

        if (e.Dma)
        {
            t.Consumptions++;
            t.Dma++;
            t.TimelineConsumed[e.Bin]++;
            perMachine[(int)ConsumptionOutcome.NotModelled]++;
            return;
        }

        var contained = Consume(plan, runner, profile, plan.Mix[e.Pick], e, t, perMachine);
        for (var k = 0; !contained && e.Permanent && k < e.Recur.Length && e.Recur[k] < plan.Options[FieldRates.Recur]; k++)
        {
            t.Recurrences++;
            contained = Consume(plan, runner, profile, plan.Mix[e.Pick], e, t, perMachine);
        }
    }

    // One consumption: the model's outcome on this profile; returns whether the page ended up contained.
    private static bool Consume(Plan plan, ConsumptionRunner runner, string profile, (string Consumer, string Placement) who, PageError e, FleetTally t,
        long[] perMachine)
    {
        var c = runner.Get(who.Consumer, who.Placement, profile);
        var key = who.Consumer + "/" + who.Placement;
        t.Consumptions++;
        t.TimelineConsumed[e.Bin]++;
        t.ByConsumer[key] = t.ByConsumer.GetValueOrDefault(key) + 1;
        if (c.KernelMode)
        {
            t.KernelMode++;
        }
        else if (c.Outcome != ConsumptionOutcome.NotModelled)
        {
            t.UserMode++;
        }

        var outcome = c.Outcome == ConsumptionOutcome.Oops && plan.Options[FieldRates.PanicOnOops] == 1 ? ConsumptionOutcome.Panic : c.Outcome;
        if (c.KernelMode && outcome is ConsumptionOutcome.Panic or ConsumptionOutcome.Oops)
        {
            t.KernelModeDeaths++;
        }

        if (outcome == ConsumptionOutcome.Panic)
        {
            t.TimelinePanics[e.Bin]++;
        }

        perMachine[(int)outcome]++;
        return c.Contained;
    }

    /// <summary>One poisoned page's fate, drawn once per machine and evaluated on each profile.</summary>
    private sealed record PageError(int Bin, bool Permanent, bool Scrub, int Pick, bool KernelLater, bool Dma, double[] Recur);

    private sealed record MachineErrors(long Faults, List<PageError> Pages);

    /// <summary>The options turned into what the draws need: the rate, the weights, the flattened consumer mix.</summary>
    private sealed class Plan
    {
        public Plan(FleetOptions options)
        {
            Options = options;
            var rows = FieldRates.Rows;
            var mix = new List<(string, string)>();
            var user = new List<(int, double)>();
            foreach (var (row, parameter, entries) in rows)
            {
                var list = new List<(int, double)>();
                foreach (var (consumer, placement) in entries)
                {
                    list.Add((mix.Count, options[FieldRates.MixParameter(consumer, placement)]));
                    mix.Add((consumer, placement));
                }

                if (parameter is null)
                {
                    user = list;
                }
                else
                {
                    KernelRows.Add((options[parameter], list.Select(l => l.Item1).ToArray(), list.Select(l => l.Item2).ToArray()));
                }
            }

            Mix = mix;
            UserIndices = user.Select(u => u.Item1).ToArray();
            UserWeights = user.Select(u => u.Item2).ToArray();
            RowWeights = KernelRows.Select(r => r.Weight).ToArray();
            Composition = FieldRates.ScrubClasses.Select(c => options["composition." + c]).ToArray();
            Lambda = options[FieldRates.Rate] * options[FieldRates.MemoryGb] * FieldRates.HoursPerYear * options.Years;
            (BinCount, _) = FleetResult.Bins(options.Years);
        }

        public FleetOptions Options { get; }

        public IReadOnlyList<(string Consumer, string Placement)> Mix { get; }

        public List<(double Weight, int[] Indices, double[] Weights)> KernelRows { get; } = [];

        public int[] UserIndices { get; }

        public double[] UserWeights { get; }

        public double[] RowWeights { get; }

        public double[] Composition { get; }

        public double Lambda { get; }

        public int BinCount { get; }

        public MachineErrors Draw(ref SplitMix64 rng)
        {
            var sigma = Options[FieldRates.Sigma];
            var multiplier = Math.Exp((sigma * rng.NextNormal()) - (sigma * sigma / 2));
            var faults = rng.NextPoisson(Lambda * multiplier);
            var pages = new List<PageError>();
            for (var f = 0; f < faults; f++)
            {
                var bin = Math.Min(BinCount - 1, (int)(rng.NextDouble() * BinCount));
                var permanent = rng.NextDouble() < Options[FieldRates.Permanent];
                var count = rng.NextDouble() < Options[FieldRates.SinglePage] ? 1 : 1 + rng.NextGeometric(Options[FieldRates.ExtraPages]);
                for (var i = 0; i < count; i++)
                {
                    pages.Add(DrawPage(ref rng, bin, permanent));
                }
            }

            return new MachineErrors(faults, pages);
        }

        private PageError DrawPage(ref SplitMix64 rng, int bin, bool permanent)
        {
            var recur = new double[MaxRecurrences];
            for (var k = 0; k < recur.Length; k++)
            {
                recur[k] = rng.NextDouble();
            }

            if (rng.NextDouble() < Options[FieldRates.ScrubFirst])
            {
                var cls = rng.NextWeighted(Composition);
                return new PageError(bin, permanent, true, cls, rng.NextDouble() < Options[FieldRates.KernelConsumesUnhandled], false, recur);
            }

            if (rng.NextDouble() < Options[FieldRates.Dma])
            {
                return new PageError(bin, permanent, false, 0, false, true, recur);
            }

            if (rng.NextDouble() < Options[FieldRates.User])
            {
                return new PageError(bin, permanent, false, UserIndices[rng.NextWeighted(UserWeights)], false, false, recur);
            }

            var row = KernelRows[rng.NextWeighted(RowWeights)];
            return new PageError(bin, permanent, false, row.Indices[rng.NextWeighted(row.Weights)], false, false, recur);
        }
    }
}
