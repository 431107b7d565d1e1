using KernelModel.Mm;
using KernelModel.Simulation.Fleet;
using KernelModel.Simulation.Scenarios;
using KernelModel.Simulation.Simulate;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Simulation.Tests.Fleet;

/// <summary>Every fleet consumer runs its path for real: facts from kernel-paths.md's outcome table, per profile.</summary>
public sealed class ConsumerTests
{
    private static readonly IServiceProvider Services = KmodelHost.BuildHost([], TextWriter.Null, TextWriter.Null).Services;

    private static ConsumptionRunner Runner() => new(Services.GetRequiredService<ProfileCatalog>(), Services.GetRequiredService<ScenarioCatalog>(),
        Services.GetRequiredService<ScenarioObserver>(), Services.GetRequiredService<ConsumerCatalog>(), 1);

    public static TheoryData<string, string, string> MachineConsumers()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var c in Services.GetRequiredService<ConsumerCatalog>().All.OfType<MachineConsumer>())
        {
            foreach (var placement in c.Placements)
            {
                foreach (var profile in Services.GetRequiredService<ProfileCatalog>().All)
                {
                    data.Add(c.Id, placement, profile.Name);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MachineConsumers))]
    public void Run_EveryConsumerPlacementAndProfile_ConsumesThePoison(string consumer, string placement, string profile)
    {
        var c = Runner().Get(consumer, placement, profile);

        Assert.NotEqual(ConsumptionOutcome.NotConsumed, c.Outcome);
        Assert.NotEqual(ConsumptionOutcome.NotModelled, c.Outcome);
    }

    [Theory]
    [InlineData("cow", "anon")]
    [InlineData("cow", "hugetlb")]
    [InlineData("cow", "file")]
    [InlineData("ksm", "swapin")]
    public void CopyOnWrite_WithCopyMc_KillsTheWriterWithSigbusAndIsolatesThePage(string consumer, string placement)
    {
        foreach (var profile in new[] { "riscv64", "arm64", "x86_64" })
        {
            var c = Runner().Get(consumer, placement, profile);

            Assert.Equal(ConsumptionOutcome.Killed, c.Outcome);
            Assert.StartsWith(profile == "x86_64" ? "SIGBUS BUS_MCEERR_AR to " : "SIGBUS ", c.Detail);
            Assert.True(c.KernelMode);
            Assert.True(c.Contained);
        }
    }

    [Theory]
    [InlineData("cow", "anon")]
    [InlineData("khugepaged", "anon")]
    [InlineData("migration", "compaction")]
    [InlineData("coredump", "anon")]
    public void KernelCopy_WithoutCopyMc_KillsTheKernel(string consumer, string placement)
    {
        Assert.Equal(ConsumptionOutcome.Panic, Runner().Get(consumer, placement, "riscv64-upstream").Outcome);
        Assert.Equal(ConsumptionOutcome.Oops, Runner().Get(consumer, placement, "arm64-upstream").Outcome);
    }

    [Fact]
    public void Khugepaged_WithCopyMc_ScanCopyMcAndNothingDies()
    {
        var c = Runner().Get("khugepaged", "anon", "riscv64");

        Assert.Equal(ConsumptionOutcome.Recovered, c.Outcome);
        Assert.StartsWith("SCAN_COPY_MC; memory_failure: dirty LRU page: Recovered", c.Detail);
    }

    [Fact]
    public void ForkCopy_WithCopyMc_ForkFailsWithEnomem()
    {
        var c = Runner().Get("fork-copy", "pinned", "x86_64");

        Assert.Equal(ConsumptionOutcome.SyscallFailed, c.Outcome);
        Assert.StartsWith("fork = -ENOMEM", c.Detail);
    }

    [Fact]
    public void KernelData_DiesOnEveryProfile()
    {
        Assert.All(Services.GetRequiredService<ProfileCatalog>().All,
            p => Assert.Contains(Runner().Get("kernel-data", "slab", p.Name).Outcome, new[] { ConsumptionOutcome.Panic, ConsumptionOutcome.Oops }));
    }

    [Fact]
    public void UserLoad_IsAUserModeConsumptionEverywhere()
    {
        Assert.All(Services.GetRequiredService<ProfileCatalog>().All, p => Assert.False(Runner().Get("user-load", "anon", p.Name).KernelMode));
    }

    [Fact]
    public void Scrub_SlabPageIsNotContainedButAnAnonPageIs()
    {
        var runner = Runner();

        Assert.False(runner.Get("scrub", "slab", "arm64").Contained);
        Assert.True(runner.Get("scrub", "anon", "arm64").Contained);
        Assert.EndsWith("memory_failure: free buddy page: Recovered", runner.Get("scrub", "free", "arm64").Detail);
    }

    [Fact]
    public void Uaccess_ScenarioMissingFromTheCatalogue_IsNotModelledRatherThanGuessed()
    {
        var catalog = Services.GetRequiredService<ScenarioCatalog>();
        var c = Runner().Get("uaccess", "futex", "riscv64");

        if (catalog.All.Any(s => s.Id == "futex"))
        {
            Assert.NotEqual(ConsumptionOutcome.NotModelled, c.Outcome);
        }
        else
        {
            Assert.Equal(new Consumption(ConsumptionOutcome.NotModelled, false, false, "scenario futex is not in this build's catalogue"), c);
        }
    }

    [Fact]
    public void Get_SameKeyTwice_RunsTheModelOnceAndListsTheRun()
    {
        var runner = Runner();

        var first = runner.Get("cow", "anon", "riscv64");
        var second = runner.Get("cow", "anon", "riscv64");

        Assert.Same(first, second);
        Assert.Equal([("cow", "anon", "riscv64", first)], runner.Runs);
    }

    [Fact]
    public void Get_UnknownPlacement_NamesTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => Runner().Get("cow", "slab", "riscv64"));

        Assert.Equal("unknown placement 'slab' for consumer cow: valid are anon, thp, hugetlb, file", e.Message);
    }
}
