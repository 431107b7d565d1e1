using KernelModel.Simulation.Scenarios;
using KernelModel.Simulation.Simulate;

namespace KernelModel.Simulation.Reports;

/// <summary>One cell of the outcome matrix: a scenario's run on a profile.</summary>
/// <param name="Summary">The outcome in one word (<see cref="ScenarioOutcome.Summary"/>).</param>
/// <param name="KernelMode">The poison was consumed in kernel mode (a hardware-error trap with the CPU in the kernel).</param>
/// <param name="KernelDied">The kernel died: panic, or an oops that killed the task in the kernel.</param>
/// <param name="Panicked">The machine panicked.</param>
/// <param name="Differs">How the outcome differs from the one the scenario declares for the profile, or null.</param>
public sealed record MatrixCell(string Summary, bool KernelMode, bool KernelDied, bool Panicked, string? Differs)
{
    /// <summary>The cell's emphasis: red when the kernel died, yellow when a task or syscall paid, green when recovered.</summary>
    public Style Style => KernelDied ? Style.Bad : Summary == "recovered" ? Style.Good : Style.Warn;
}

/// <summary>The before/after count for one profile: kernel-mode consumptions, and how many of them killed the kernel.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="KernelMode">Scenarios whose poison was consumed in kernel mode on it.</param>
/// <param name="Killed">Of those, the ones where the kernel died.</param>
/// <param name="Panicked">Of those, the ones where the machine panicked.</param>
public sealed record KernelDeaths(string Profile, int KernelMode, int Killed, int Panicked);

/// <summary>The headline of one architecture: the same scenarios before the patch and after it.</summary>
/// <param name="Architecture">The patched profile's name.</param>
/// <param name="Before">The unpatched profile's counts.</param>
/// <param name="After">The patched profile's counts.</param>
public sealed record ArchitectureHeadline(string Architecture, KernelDeaths Before, KernelDeaths After);

/// <summary>
/// The default job: every catalogue scenario run under every profile (scenario x profile), and the headline per
/// architecture: how many kernel-mode consumptions kill the kernel before the patch and after it, with x86-64 as
/// the yardstick. Each cell is a real run of the scenario; the runs are independent and run on all cores, and the
/// result does not depend on how many.
/// </summary>
public sealed class OutcomeMatrix
{
    private OutcomeMatrix(int seed, IReadOnlyList<Scenario> scenarios, IReadOnlyList<string> profiles, MatrixCell?[,] cells, bool complete)
    {
        Seed = seed;
        Scenarios = scenarios;
        Profiles = profiles;
        Cells = cells;
        Complete = complete;
    }

    /// <summary>The seed every run used.</summary>
    public int Seed { get; }

    /// <summary>The rows, in id order.</summary>
    public IReadOnlyList<Scenario> Scenarios { get; }

    /// <summary>The columns, in <see cref="ProfileOrder"/>.</summary>
    public IReadOnlyList<string> Profiles { get; }

    /// <summary>The cells [scenario, profile]; null where an interrupted run did not get to.</summary>
    public MatrixCell?[,] Cells { get; }

    /// <summary>False when Ctrl+C stopped the job before every cell ran.</summary>
    public bool Complete { get; }

    /// <summary>Runs every scenario under every profile.</summary>
    public static OutcomeMatrix Run(ScenarioCatalog catalog, ScenarioObserver observer, int seed, CancellationToken cancel, ProgressBar? progress = null)
    {
        var scenarios = catalog.All;
        var profiles = ProfileOrder.Sort(observer.Profiles.All.Select(p => p.Name));
        var cells = new MatrixCell?[scenarios.Count, profiles.Count];
        Parallel.For(0, scenarios.Count * profiles.Count, (i, state) =>
        {
            if (cancel.IsCancellationRequested)
            {
                state.Stop();
                return;
            }

            var (s, p) = (i / profiles.Count, i % profiles.Count);
            var run = observer.Run(scenarios[s], profiles[p], seed);
            cells[s, p] = new MatrixCell(run.Outcome.Summary, run.KernelModeConsumption, run.KernelDied, run.Outcome.Panicked,
                scenarios[s].Expect(profiles[p]).Judge(run.Outcome));
            progress?.Advance();
        });
        var complete = true;
        foreach (var c in cells)
        {
            complete &= c is not null;
        }

        return new OutcomeMatrix(seed, scenarios, profiles, cells, complete);
    }

    /// <summary>The counts for one profile.</summary>
    public KernelDeaths DeathsOn(string profile)
    {
        var p = Profiles.ToList().IndexOf(profile);
        var column = Enumerable.Range(0, Scenarios.Count).Select(s => Cells[s, p]).Where(c => c is { KernelMode: true }).ToArray();
        return new KernelDeaths(profile, column.Length, column.Count(c => c!.KernelDied), column.Count(c => c!.Panicked));
    }

    /// <summary>The headline of each architecture that has a profile before and after its patch.</summary>
    public IReadOnlyList<ArchitectureHeadline> Headlines =>
        ProfileOrder.Pairs(Profiles).Select(pair => new ArchitectureHeadline(pair.Architecture, DeathsOn(pair.Before), DeathsOn(pair.After))).ToArray();

    /// <summary>The yardstick's counts, when that profile is registered.</summary>
    public KernelDeaths? Yardstick => Profiles.Contains(ProfileOrder.Yardstick) ? DeathsOn(ProfileOrder.Yardstick) : null;

    /// <summary>Cells whose outcome differs from the scenario's declaration: (scenario, profile, difference).</summary>
    public IEnumerable<(string Scenario, string Profile, string Differs)> Differences()
    {
        for (var s = 0; s < Scenarios.Count; s++)
        {
            for (var p = 0; p < Profiles.Count; p++)
            {
                if (Cells[s, p]?.Differs is { } d)
                {
                    yield return (Scenarios[s].Id, Profiles[p], d);
                }
            }
        }
    }
}
