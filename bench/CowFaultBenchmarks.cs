using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using KernelModel.Simulation.Performance;

namespace KernelModel.Bench;

/// <summary>
/// Targets 3 and 6: the anonymous COW fault end to end (the user fault handler, do_wp_page, wp_page_copy: allocate,
/// copy_mc_user_highpage, rmap, PTE) against the clean copy_mc_highpage alone. Each iteration forks a child sharing
/// <see cref="Pages"/> pages (untimed) and the child takes one write fault on each. The many warm-up iterations give
/// the runtime the time it needs to compile the fault path optimised (tiered compilation).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 300, iterationCount: 50)]
public class CowFaultBenchmarks
{
    // More than kmodel bench's CacheResidentPages: BenchmarkDotNet times each iteration after its fork as one
    // invocation, and an iteration of 64 faults (a few microseconds) is too short for that; 512 pages a round
    // means each fault's copy reads its source from L3 (BENCHMARKS.md, target 3).
    private const int Pages = 512;
    private CopyWorkload _copy = null!;
    private CowFaultWorkload _cow = null!;

    /// <summary>Every registered profile.</summary>
    public static IEnumerable<string> AllProfiles => Profiles.All;

    [ParamsSource(nameof(AllProfiles))]
    public string Profile { get; set; } = "generic";

    [GlobalSetup]
    public void Setup()
    {
        _copy = new CopyWorkload(Profiles.Catalog, Profile);
        _cow = new CowFaultWorkload(Profiles.Catalog, Profile, Pages);
    }

    [IterationSetup]
    public void Fork() => _cow.Fork();

    [GlobalCleanup]
    public void Cleanup()
    {
        _cow.Exit();
        _copy.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Pages)]
    public int CopyMcHighpage() => _copy.CopyMcHighpage(Pages);

    [Benchmark(OperationsPerInvoke = Pages)]
    public Mm.VmFault CowFault() => _cow.Fault(Pages);
}
