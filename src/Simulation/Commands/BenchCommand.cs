using System.CommandLine;
using System.Diagnostics;
using System.Reflection;
using System.Globalization;
using KernelModel.Mm;
using KernelModel.Simulation.Fleet;
using KernelModel.Simulation.Performance;

namespace KernelModel.Simulation;

/// <summary>
/// <c>kmodel bench [--json] [--profile P] [--batches N] [--warmup-ms W] [--touch-mib M] [--fleet-machines F]</c>: the short in-process version of the
/// performance measurements (<see cref="BenchSuite"/>). Each figure is printed with its target and whether it is
/// met; with <c>--json</c> the output is one JSON array, an object per figure: id (the target's number), name, value, unit, target
/// (the bound), met and note. The figures are wall-clock measurements on whatever machine runs them; the full
/// BenchmarkDotNet version is in bench/ and its results in BENCHMARKS.md.
/// </summary>
public sealed class BenchCommand(ConsoleStreams console, ProfileCatalog profiles, FleetSimulation fleet) : IKmodelCommand
{
    /// <inheritdoc />
    public void Attach(RootCommand root)
    {
        var json = new Option<bool>("--json") { Description = "a JSON array, one object per figure: id, name, value, unit, target, met, note" };
        var profile = new Option<string?>("--profile")
        {
            Description = "measure the copies and the COW fault on one profile only (default: every registered profile); the 1 TiB machine is always "
                + BenchSuite.ScaleProfile + " and the fleet always runs its default profiles, the ones its target is stated for",
        };
        var batches = new Option<int>("--batches") { Description = "timed batches per figure, 1..1000 (the median is reported)", DefaultValueFactory = _ => BenchMeter.Default.Batches };
        var warmup = new Option<int>("--warmup-ms")
        {
            Description = "the longest the warm-up of all operations runs before any is timed (it ends once the JIT has been quiet for 0.6 s), 0..10000 ms",
            DefaultValueFactory = _ => (int)BenchMeter.Default.WarmUp.TotalMilliseconds,
        };
        var touch = new Option<int>("--touch-mib") { Description = "MiB of the 1 TiB machine to touch, a multiple of 2 in 2..65536", DefaultValueFactory = _ => 1024 };
        var fleetMachines = new Option<long>("--fleet-machines")
        {
            Description = "machines (one year each) in the fleet study, run on 1 thread and on all cores, 1..1000000000",
            DefaultValueFactory = _ => FleetBench.DefaultMachines,
        };
        var command = new Command("bench",
            "measure the copy fast path, poisoned copies, the COW fault, a 1 TiB machine, the fleet Monte Carlo and allocations against the performance targets")
        {
            json, profile, batches, warmup, touch, fleetMachines,
        };
        command.SetAction(parse =>
        {
            if (!ModelIsOptimized)
            {
                console.Error.WriteLine("kmodel bench: the model was built in Debug (JIT optimizer off), so these figures are not its speed; " +
                    "run it from a Release build: dotnet run -c Release --project src/Simulation -- bench");
            }

            var figures = Run(parse.GetValue(profile), parse.GetValue(batches), parse.GetValue(warmup), parse.GetValue(touch), parse.GetValue(fleetMachines),
                parse.GetValue(json) ? null : WriteLine);
            if (parse.GetValue(json))
            {
                WriteJson(figures);
            }
            else
            {
                var met = figures.Count(f => f.Met);
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{met} of {figures.Count} figures meet their target"));
            }

            return 0;
        });
        root.Subcommands.Add(command);
    }

    /// <summary>Whether the model's assemblies were compiled with the JIT optimizer on (a Release build).</summary>
    public static bool ModelIsOptimized =>
        typeof(Machine).Assembly.GetCustomAttribute<DebuggableAttribute>() is not { IsJITOptimizerDisabled: true };

    /// <summary>Runs the suite; <paramref name="progress"/> hears each figure as it is measured.</summary>
    /// <exception cref="ArgumentException">Unknown profile, or a batch count, warm-up, touch size or fleet size out of range.</exception>
    public IReadOnlyList<BenchFigure> Run(string? profile, int batches, int warmupMs, int touchMib, long fleetMachines, Action<BenchFigure>? progress)
    {
        IReadOnlyList<string> names = profile is null ? [.. profiles.All.Select(p => p.Name)] : [profiles.Get(profile).Name];
        if (batches is < 1 or > 1000)
        {
            throw new ArgumentException($"invalid batch count {batches}: valid counts are 1..1000");
        }

        if (warmupMs is < 0 or > 10000)
        {
            throw new ArgumentException($"invalid warm-up {warmupMs} ms: valid values are 0..10000");
        }

        if (touchMib is < 2 or > 65536 || touchMib % 2 != 0)
        {
            throw new ArgumentException($"invalid touch size {touchMib} MiB: valid sizes are multiples of 2 in 2..65536");
        }

        if (fleetMachines is < 1 or > 1_000_000_000)
        {
            throw new ArgumentException($"invalid fleet size {fleetMachines} machines: valid sizes are 1..1000000000");
        }

        var suite = new BenchSuite(profiles, fleet, BenchMeter.Default with { Batches = batches, WarmUp = TimeSpan.FromMilliseconds(warmupMs) }, (ulong)touchMib << 20,
            FleetMachines: fleetMachines);
        return suite.Run(names, progress);
    }

    private void WriteLine(BenchFigure f)
    {
        var value = BenchFigure.Format(f.Value) + " " + f.Unit;
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{f.Id}] {f.Name,-72} {value,16}  target {f.Target,-12} {(f.Met ? "met" : "NOT MET")}"));
        if (f.Note is { } note)
        {
            console.Out.WriteLine("      " + note);
        }
    }

    private void WriteJson(IReadOnlyList<BenchFigure> figures)
    {
        console.Out.WriteLine(JsonText.Of(w =>
        {
            w.WriteStartArray();
            foreach (var f in figures)
            {
                w.WriteStartObject();
                w.WriteNumber("id", f.Id);
                w.WriteString("name", f.Name);
                w.WriteNumber("value", Math.Round(f.Value, 4));
                w.WriteString("unit", f.Unit);
                w.WriteString("target", f.Target);
                w.WriteBoolean("met", f.Met);
                w.WriteString("note", f.Note);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }));
    }
}
