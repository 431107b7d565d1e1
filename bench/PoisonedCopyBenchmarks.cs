using BenchmarkDotNet.Attributes;
using KernelModel.Mm;
using KernelModel.Simulation.Performance;

namespace KernelModel.Bench;

/// <summary>
/// Target 2 on the profiles that recover: the 4 KiB copy with one poisoned line (the middle one) against the clean copy
/// of the same routine. copy_mc_highpage queues memory_failure for the page and the per-CPU fifo holds 16 entries
/// (MEMORY_FAILURE_FIFO_SIZE), as does arm64's GHES: past that every call would also print the overflow line, which the
/// kernel's worker never lets happen. So each iteration is 16 invocations after the memory-failure worker ran
/// (untimed). BenchmarkDotNet's warm-up counts iterations, and 3000 of them pass in well under a second, before tiered
/// compilation has recompiled the trap path optimised, so <see cref="Setup"/> first warms up as <c>kmodel bench</c> does.
/// Its forced full collection before each iteration is off: the first poisoned call after one took about 24 us
/// in-process (the calls allocate their trap records on a heap the collection has just reset), which the iteration's
/// 16 calls would carry; collections still happen when the heap asks for them, as in <c>kmodel bench</c>.
/// </summary>
[MemoryDiagnoser]
[GcForce(false)]
[SimpleJob(launchCount: 1, warmupCount: 3000, iterationCount: 100, invocationCount: Calls)]
public class PoisonedCopyBenchmarks
{
    private const int Calls = 16;
    private CopyWorkload _copy = null!;

    /// <summary>The profiles whose copy_mc_to_kernel returns (rather than killing the kernel) on poison.</summary>
    public static IEnumerable<string> Recovering => Profiles.All.Where(p => !PoisonDeathBenchmarks.Dies(p));

    [ParamsSource(nameof(Recovering))]
    public string Profile { get; set; } = "riscv64";

    /// <summary>
    /// The workload, warmed up as <c>kmodel bench</c> warms up (until the JIT has been quiet for a while), then on a fresh
    /// machine. Without it the poisoned rows timed partly unoptimised code (about 1.1 us per riscv64 call, not 0.2 us).
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        _copy = new CopyWorkload(Profiles.Catalog, Profile);
        BenchMeter.Default.WarmUpAll(
        [
            new BenchOp(n => _copy.CopyMcToKernel(n)),
            new BenchOp(n => _copy.CopyMcHighpage(n)),
            new BenchOp(n => _copy.CopyMcToKernelPoisoned(n), () => _copy.RunQueuedMemoryFailures(), Calls),
            new BenchOp(n => _copy.CopyMcHighpagePoisoned(n), () => _copy.RunQueuedMemoryFailures(), Calls),
        ]);
        _copy.Reboot();
    }

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
