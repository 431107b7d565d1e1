using System.Text.Json;
using KernelModel.Simulation.Fleet;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Simulation.Tests.Fleet;

public sealed class FleetSimulationTests
{
    private static readonly IServiceProvider Services = KmodelHost.BuildHost([], TextWriter.Null, TextWriter.Null).Services;

    // A small, busy study: 3000 machines at 50x the field rate give a few hundred errors.
    private static FleetOptions Small(int threads = 0, FleetShard? shard = null) =>
        new FleetOptions { Machines = 3000, Years = 2, Seed = 11, Threads = threads, Shard = shard ?? FleetShard.Whole }.With(FieldRates.Rate, 6.25e-8, "test");

    private static FleetSimulation Fleet => Services.GetRequiredService<FleetSimulation>();

    [Fact]
    public void Run_SameSeedOnOneCoreAndOnFour_GivesByteIdenticalJson()
    {
        var one = FleetJson.Write(Fleet.Run(Small(threads: 1)));
        var four = FleetJson.Write(Fleet.Run(Small(threads: 4)));

        Assert.Equal(one, four);
    }

    [Fact]
    public void Run_OtherSeed_DrawsOtherErrors()
    {
        var a = Fleet.Run(Small());
        var b = Fleet.Run(Small() with { Seed = 12 });

        Assert.NotEqual(a.Tallies[0].Errors, b.Tallies[0].Errors);
    }

    [Fact]
    public void Shards_MergeToExactlyTheTotalsOfOneRun()
    {
        var whole = Fleet.Run(Small());
        var parts = Enumerable.Range(1, 3).Select(i => ($"shard{i}", FleetJson.Read(FleetJson.Write(Fleet.Run(Small(shard: new FleetShard(i, 3)))), $"shard{i}"))).ToArray();

        var merged = FleetMerge.Merge(parts);

        Assert.Equal([1, 2, 3], merged.Shards);
        Assert.True(merged.AllShards && merged.Complete);
        using var a = JsonDocument.Parse(FleetJson.Write(whole));
        using var b = JsonDocument.Parse(FleetJson.Write(merged));
        foreach (var section in new[] { "results", "comparisons", "model_runs", "machines_done", "machine_years" })
        {
            Assert.Equal(a.RootElement.GetProperty(section).GetRawText(), b.RootElement.GetProperty(section).GetRawText());
        }
    }

    [Fact]
    public void Shards_CoverEveryMachineExactlyOnce()
    {
        var ranges = Enumerable.Range(1, 7).Select(i => new FleetShard(i, 7).Range(100)).ToArray();

        Assert.Equal(0, ranges[0].Start);
        Assert.Equal(100, ranges[^1].End);
        Assert.All(ranges.Zip(ranges.Skip(1)), p => Assert.Equal(p.First.End, p.Second.Start));
    }

    [Fact]
    public void Merge_TheSameShardTwice_IsRefused()
    {
        var shard = FleetJson.Read(FleetJson.Write(Fleet.Run(Small(shard: new FleetShard(2, 3)))), "a");

        var e = Assert.Throws<ArgumentException>(() => FleetMerge.Merge([("a.json", shard), ("b.json", shard)]));

        Assert.Equal("b.json: shard 2/3 is already merged", e.Message);
    }

    [Fact]
    public void Merge_ShardsOfDifferentStudies_IsRefused()
    {
        var a = Fleet.Run(Small(shard: new FleetShard(1, 2)));
        var b = Fleet.Run(Small(shard: new FleetShard(2, 2)) with { Seed = 99 });

        var e = Assert.Throws<ArgumentException>(() => FleetMerge.Merge([("a.json", a), ("b.json", b)]));

        Assert.StartsWith("b.json is a different study from a.json", e.Message);
    }

    [Fact]
    public void Run_TheSameErrorsOnEveryProfile_ThePatchCutsKernelDeathsAndPanics()
    {
        var r = Fleet.Run(Small());

        Assert.All(r.Tallies, t => Assert.Equal(r.Tallies[0].Errors, t.Errors));
        Assert.All(r.Tallies, t => Assert.Equal(r.Tallies[0].ScrubFound, t.ScrubFound));
        foreach (var (before, after) in new[] { ("riscv64-upstream", "riscv64"), ("arm64-upstream", "arm64") })
        {
            Assert.True(r.TallyOf(after).KernelModeDeaths < r.TallyOf(before).KernelModeDeaths);
            Assert.True(r.RateOf(after, ConsumptionOutcome.Panic).Count < r.RateOf(before, ConsumptionOutcome.Panic).Count);
        }

        Assert.True(r.TallyOf("arm64").KernelModeDeaths < r.TallyOf("arm64").KernelMode);
    }

    [Fact]
    public void Run_PanicOnOopsOff_Arm64UpstreamDeathsAreOopsesNotPanics()
    {
        var r = Fleet.Run(Small().With(FieldRates.PanicOnOops, 0, "test") with { Profiles = ["arm64-upstream"] });

        Assert.Equal(0, r.RateOf("arm64-upstream", ConsumptionOutcome.Panic).Count);
        Assert.True(r.RateOf("arm64-upstream", ConsumptionOutcome.Oops).Count > 0);
    }

    [Fact]
    public void Run_Cancelled_StopsAndSaysIncomplete()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        var r = Fleet.Run(Small(), cancel.Token);

        Assert.False(r.Complete);
        Assert.True(r.MachinesDone < 3000);
    }

    [Fact]
    public void RateOf_IsPer1000MachineYearsWithAnIntervalAroundIt()
    {
        var r = Fleet.Run(Small());
        var t = r.TallyOf("x86_64");

        var rate = r.RateOf("x86_64", ConsumptionOutcome.Killed);

        Assert.Equal(t[ConsumptionOutcome.Killed], rate.Count);
        Assert.Equal(rate.Count * 1000.0 / 6000, rate.PerThousand, 9);
        Assert.InRange(rate.PerThousand, rate.Low, rate.High);
    }

    [Fact]
    public void Options_DefaultsSumToOneAndValidate()
    {
        new FleetOptions().Validate(FleetOptions.DefaultProfiles);
    }

    [Theory]
    [InlineData("0/4")]
    [InlineData("5/4")]
    [InlineData("a/b")]
    [InlineData("3")]
    public void Shard_Malformed_NamesTheForm(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => FleetShard.Parse(text));

        Assert.Equal($"invalid --shard '{text}': give i/n with 1 <= i <= n (e.g. 3/8)", e.Message);
    }
}
