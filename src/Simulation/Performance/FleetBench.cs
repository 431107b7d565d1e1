using System.Diagnostics;
using System.Globalization;
using KernelModel.Simulation.Fleet;

namespace KernelModel.Simulation.Performance;

/// <summary>
/// Target 5 of <c>kmodel bench</c>: the fleet Monte Carlo at its default rates and default profiles, <see cref="Machines"/>
/// machines for one year each with seed 1. The study runs twice: on one thread, then on all cores (FleetOptions.Threads
/// 0, which is also kmodel fleet's default). The all-cores run gives machine-years per minute of wall time; the two
/// results, written as FleetJson, must be the same bytes. The wall time is that of the whole
/// <see cref="FleetSimulation.Run(FleetOptions, CancellationToken)"/> call, so it includes the model runs of every
/// consumer on every profile (each run of the study makes its own). The one-thread run goes first and so also pays for
/// compiling the fleet code.
/// </summary>
/// <param name="Fleet">The fleet simulation.</param>
/// <param name="Machines">Machines in the timed study (each runs one year).</param>
public sealed record FleetBench(FleetSimulation Fleet, long Machines = FleetBench.DefaultMachines)
{
    /// <summary>Ten million machine-years: a few seconds on two cores, enough that the fixed cost of the consumer runs is small.</summary>
    public const long DefaultMachines = 10_000_000;

    /// <summary>The study timed: the defaults of <see cref="FleetOptions"/> (rates, profiles, seed 1) with <see cref="Machines"/> machines for a year.</summary>
    public FleetOptions Study(int threads) => new() { Machines = Machines, Years = 1, Threads = threads };

    /// <summary>Runs the study on one thread and on all cores; the throughput figure, then the determinism figure.</summary>
    /// <exception cref="ArgumentException">A machine count FleetOptions does not accept.</exception>
    public IReadOnlyList<BenchFigure> Run()
    {
        var (one, oneTime) = Timed(Study(threads: 1));
        var (all, allTime) = Timed(Study(threads: 0));
        var study = Study(0);
        var years = all.Result.MachineYears;
        var what = Invariant($"{Machines} machines x 1 year at the default rates on the {study.Profiles.Count} default profiles ({string.Join(", ", study.Profiles)}), seed {study.Seed}");
        var throughput = BenchFigure.AtLeast(5, "fleet Monte Carlo machine-years per minute, default rates [all cores]", Math.Round(years / allTime.TotalMinutes),
            "machine-years/min", BenchSuite.FleetBound,
            Invariant($"{what}: the run took {Seconds(allTime)} of wall time on all cores ({Environment.ProcessorCount} here), including the {all.Result.Runs.Count} consumer model runs it makes first"));
        var same = Same(one.Json, all.Json, Invariant(
            $"{what}: FleetJson of the run on 1 thread (run first, so it also paid for compiling the fleet code: {Seconds(oneTime)}, {BenchFigure.Format(Math.Round(years / oneTime.TotalMinutes))} machine-years/min) against the run on all cores ({Environment.ProcessorCount} here), {all.Json.Length} characters compared"));
        return [throughput, same];
    }

    /// <summary>
    /// The determinism figure: 1 when <paramref name="oneThread"/> and <paramref name="allCores"/> (the FleetJson of the
    /// two runs) are the same text, 0 otherwise; when they differ, the note gives the first character that does.
    /// </summary>
    public static BenchFigure Same(string oneThread, string allCores, string note)
    {
        var identical = string.Equals(oneThread, allCores, StringComparison.Ordinal);
        if (!identical)
        {
            var at = 0;
            while (at < oneThread.Length && at < allCores.Length && oneThread[at] == allCores[at])
            {
                at++;
            }

            note += Invariant($"; they differ from character {at} on");
        }

        return BenchFigure.Exactly(5, "fleet result for a seed byte-identical, 1 thread vs all cores", identical ? 1 : 0, "bool", 1, note);
    }

    private ((FleetResult Result, string Json), TimeSpan) Timed(FleetOptions options)
    {
        var start = Stopwatch.GetTimestamp();
        var result = Fleet.Run(options);
        var elapsed = Stopwatch.GetElapsedTime(start);
        return ((result, FleetJson.Write(result)), elapsed);
    }

    private static string Seconds(TimeSpan t) => BenchFigure.Format(Math.Round(t.TotalSeconds, 2)) + " s";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
