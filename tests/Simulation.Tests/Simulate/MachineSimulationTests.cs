using KernelModel.Simulation.Simulate;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Simulation.Tests.Simulate;

public sealed class MachineSimulationTests
{
    private static readonly IServiceProvider Services = KmodelHost.BuildHost([], TextWriter.Null, TextWriter.Null).Services;

    // Six hours of two workloads on a small machine, at an error rate that poisons a dozen lines.
    private static SimulateOptions Busy(string profile) => new()
    {
        Profile = profile, Workload = "hugetlb+fork-and-write", Duration = TimeSpan.FromHours(6), MemoryBytes = 8UL << 30, ErrorRate = 0.3, Seed = 1,
    };

    private static SimulationResult Run(SimulateOptions options, CancellationToken cancel = default) =>
        Services.GetRequiredService<MachineSimulation>().Run(options, null, cancel);

    [Fact]
    public void Run_WithoutThePatch_KernelCopiesOfPoisonKillTheKernelAndNothingRunsAfterThePanic()
    {
        var r = Run(Busy("riscv64-upstream"));

        var kernel = r.Events.Where(e => e.Kind == SimulationEventKind.Consumed && e.Detail.StartsWith("kernel", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(kernel);
        Assert.All(kernel, e => Assert.StartsWith("kernel mode, the kernel died: load at ", e.Detail));
        Assert.Equal(SimulationEnd.Panicked, r.End);
        var panic = Assert.Single(r.Events, e => e.Kind == SimulationEventKind.Panic);
        Assert.Same(panic, r.Events[^1]);
        Assert.Equal(panic.Nanoseconds, (long)(r.Elapsed.Ticks * 100));
    }

    [Fact]
    public void Run_WithThePatch_TheCopyOnWriteConsumptionsTakeTheFixupAndTheWriterGetsSigbus()
    {
        var r = Run(Busy("riscv64"));

        var cow = r.Events.Where(e => e.Kind == SimulationEventKind.Consumed && e.Actor is "fork-and-write/fork" or "hugetlb/fork").ToArray();
        Assert.NotEmpty(cow);
        Assert.All(cow, e => Assert.StartsWith("kernel mode, fixup taken: load at __memcpy_mc of pa ", e.Detail));
        Assert.Contains(r.Events, e => e.Kind == SimulationEventKind.TaskKilled && e.Actor is "fork-and-write/fork" or "hugetlb/fork" && e.Detail.Contains(": SIGBUS", StringComparison.Ordinal));
        Assert.Equal(SimulationEnd.Completed, r.End);
        Assert.True(r.PagesIsolated > 0);
    }

    [Fact]
    public void Run_KernelActorsRunAsTasksInVirtualTime()
    {
        var r = Run(Busy("x86_64") with { Duration = TimeSpan.FromHours(2), ErrorRate = 0 });

        Assert.Equal(SimulationEnd.Completed, r.End);
        Assert.Equal(TimeSpan.FromHours(2), r.Elapsed);
        Assert.Equal(120, r.ActorRuns["patrol scrubber"]);
        Assert.Equal(120, r.ActorRuns["khugepaged"]);
        Assert.Equal(120, r.ActorRuns["ksmd"]);
        Assert.Equal(12, r.ActorRuns["kcompactd0"]);
        Assert.Equal(4, r.ActorRuns["hugetlb/fork"]);
        Assert.Equal(12, r.ActorRuns["fork-and-write/fork"]);
        Assert.Empty(r.Events);
    }

    [Fact]
    public void Run_ThePatrolScrubberFindsPoisonNobodyLoads()
    {
        var r = Run(new SimulateOptions { Profile = "arm64", Workload = "coredump", Duration = TimeSpan.FromHours(24), MemoryBytes = 4UL << 30, ErrorRate = 0.5, Seed = 3 });

        Assert.Contains(r.Events, e => e.Kind == SimulationEventKind.Injected && e.Detail.StartsWith("free page", StringComparison.Ordinal));
        Assert.Contains(r.Events, e => e.Kind == SimulationEventKind.ScrubFound);
        Assert.True(r.MemoryFailures.ContainsKey("free buddy page: Recovered"));
    }

    [Fact]
    public void Run_SameSeed_GivesByteIdenticalJson()
    {
        var a = Kmodel.Run("simulate", "--profile", "arm64", "--workload", "ksm+shmem+thp-collapse", "--duration", "3h", "--memory", "4GiB", "--error-rate", "0.5", "--json");
        var b = Kmodel.Run("simulate", "--profile", "arm64", "--workload", "ksm+shmem+thp-collapse", "--duration", "3h", "--memory", "4GiB", "--error-rate", "0.5", "--json");

        Assert.Equal(0, a.ExitCode);
        Assert.Equal(a.Out, b.Out);
        Assert.Contains("\"schema\": \"kmodel.simulate/1\"", a.Out);
    }

    [Fact]
    public void Run_Cancelled_StopsAndSaysInterrupted()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        var r = Run(Busy("riscv64"), cancel.Token);

        Assert.Equal(SimulationEnd.Interrupted, r.End);
        Assert.Equal(TimeSpan.Zero, r.Elapsed);
    }

    [Fact]
    public void Workloads_MixesResolveInOrderWithoutRepeatsAndCloudHostIsAllOfThem()
    {
        var catalog = Services.GetRequiredService<WorkloadCatalog>();

        Assert.Equal(["ksm", "shmem"], catalog.Resolve("ksm+shmem+ksm"));
        Assert.Equal(catalog.Names.Skip(1), catalog.Resolve("cloud-host"));
        Assert.Equal(["compaction-numa", "coredump", "fork-and-write", "hugetlb", "ksm", "pagecache-readers", "shmem", "thp-collapse"], catalog.Resolve("cloud-host"));
        Assert.Equal("kernel", catalog.Create("ksm")[0].Name);
    }

    [Fact]
    public void Workloads_UnknownName_ListsTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => Services.GetRequiredService<WorkloadCatalog>().Resolve("ksm+dax"));

        Assert.StartsWith("unknown workload 'dax': valid workloads are cloud-host, compaction-numa, coredump, ", e.Message);
    }
}
