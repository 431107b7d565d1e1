using KernelModel.Simulation.Fleet;
using KernelModel.Simulation.Performance;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Simulation.Tests.Performance;

public sealed class FleetBenchTests
{
    private static readonly FleetSimulation Fleet =
        KmodelHost.BuildHost([], TextWriter.Null, TextWriter.Null).Services.GetRequiredService<FleetSimulation>();

    [Fact]
    public void Study_IsTheFleetDefaultsWithTheMachineCountForOneYear()
    {
        var study = new FleetBench(Fleet, 1234).Study(threads: 1);

        Assert.Equal((1234L, 1d, 1, 1, FleetShard.Whole), (study.Machines, study.Years, study.Seed, study.Threads, study.Shard));
        Assert.Equal(FleetOptions.DefaultProfiles, study.Profiles);
        Assert.Equal(FieldRates.Parameters.Select(p => (p.Name, p.Default)).OrderBy(p => p.Name, StringComparer.Ordinal), study.Parameters.Select(p => (p.Key, p.Value)));
    }

    [Fact]
    public void Run_SmallStudy_ComparesTheWholeJsonOfTheStudyOnOneThreadAndAllCores()
    {
        var bench = new FleetBench(Fleet, 500);
        var json = FleetJson.Write(Fleet.Run(bench.Study(threads: 0)));

        var figures = bench.Run();

        Assert.Equal(2, figures.Count);
        Assert.Equal(BenchSuite.FleetBound, double.Parse(figures[0].Target[3..], System.Globalization.CultureInfo.InvariantCulture));
        var same = figures[1];
        Assert.Equal((1d, true, "= 1"), (same.Value, same.Met, same.Target));
        Assert.EndsWith($", {json.Length} characters compared", same.Note);
    }

    [Fact]
    public void Same_TextsThatDifferInOneCharacter_IsZeroAndNotMetAndSaysWhere()
    {
        var figure = FleetBench.Same("{\"errors\": 12}", "{\"errors\": 13}", "note");

        Assert.Equal((0d, false), (figure.Value, figure.Met));
        Assert.Equal("note; they differ from character 12 on", figure.Note);
    }

    [Fact]
    public void Same_TheResultsOfTwoSeeds_AreNotTheSame()
    {
        var study = new FleetBench(Fleet, 2000).Study(threads: 0).With(FieldRates.Rate, 6.25e-8, "test");

        var figure = FleetBench.Same(FleetJson.Write(Fleet.Run(study)), FleetJson.Write(Fleet.Run(study with { Seed = 2 })), "note");

        Assert.Equal((0d, false), (figure.Value, figure.Met));
    }

    [Fact]
    public void Same_IdenticalTexts_IsOneAndMet()
    {
        var figure = FleetBench.Same("{}", "{}", "note");

        Assert.Equal((1d, true, "note"), (figure.Value, figure.Met, figure.Note));
    }
}
