using BenchmarkDotNet.Attributes;
using KernelModel.Mm;
using KernelModel.Simulation.Performance;

namespace KernelModel.Bench;

/// <summary>
/// Target 2 on the profiles that recover: the 4 KiB copy with one poisoned line (the middle one) against the clean copy
/// of the same routine. copy_mc_highpage queues memory_failure for the page and the per-CPU fifo holds 16 entries
/// (MEMORY_FAILURE_FIFO_SIZE), as does arm64's GHES: past that every call would also print the overflow line, which the
/// kernel's worker never lets happen. So each iteration is 16 invocations after the memory-failure worker ran
/// (untimed), with 3000 warm-up iterations: BenchmarkDotNet counts warm-up in iterations, and the runtime compiles the
/// routines optimised only after they have run for a while.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3000, iterationCount: 100, invocationCount: Calls)]
public class PoisonedCopyBenchmarks
{
    private const int Calls = 16;
    private CopyWorkload _copy = null!;

    /// <summary>The profiles whose copy_mc_to_kernel returns (rather than killing the kernel) on poison.</summary>
    public static IEnumerable<string> Recovering => Profiles.All.Where(p => !PoisonDeathBenchmarks.Dies(p));

    [ParamsSource(nameof(Recovering))]
    public string Profile { get; set; } = "riscv64";

    [GlobalSetup]
    public void Setup() => _copy = new CopyWorkload(Profiles.Catalog, Profile);

    [IterationSetup]
    public void RunQueuedMemoryFailures() => _copy.RunQueuedMemoryFailures();

    [GlobalCleanup]
    public void Cleanup() => _copy.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public ulong CopyMcToKernelClean() => _copy.CopyMcToKernel(Calls);

    [Benchmark]
    public KernelRun<ulong> CopyMcToKernelPoisoned() => _copy.CopyMcToKernelPoisoned(1);

    [Benchmark(OperationsPerInvoke = Calls)]
    public int CopyMcHighpageClean() => _copy.CopyMcHighpage(Calls);

    [Benchmark]
    public KernelRun<int> CopyMcHighpagePoisoned() => _copy.CopyMcHighpagePoisoned(1);
}
