using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using KernelModel.Mm;
using KernelModel.Simulation.Performance;

namespace KernelModel.Bench;

/// <summary>
/// Target 2 on the profiles whose kernel dies on the poisoned copy (no copy_mc: generic, the -upstream profiles): the
/// cost of the copy until the oops or panic. The death leaves the machine panicked or the task dead, so every
/// invocation runs on a machine booted for it (monitoring strategy: one invocation per iteration, untimed setup). The
/// path is first warmed up as <c>kmodel bench</c> does (300 warm-up iterations of one call each leave it partly
/// unoptimised), and the forced full collection before each iteration is off (the first call after one costs tens of
/// microseconds more, which the death would carry).
/// </summary>
[MemoryDiagnoser]
[GcForce(false)]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 300, iterationCount: 50)]
public class PoisonDeathBenchmarks
{
    private CopyWorkload _copy = null!;

    /// <summary>The profiles whose poisoned copy kills the kernel.</summary>
    public static IEnumerable<string> Dying => Profiles.All.Where(Dies);

    [ParamsSource(nameof(Dying))]
    public string Profile { get; set; } = "generic";

    /// <summary>Whether copy_mc_to_kernel of a poisoned page kills the kernel on <paramref name="profile"/>.</summary>
    public static bool Dies(string profile)
    {
        using var copy = new CopyWorkload(Profiles.Catalog, profile);
        return copy.CopyMcToKernelPoisoned(1).Died;
    }

    [GlobalSetup]
    public void Setup()
    {
        _copy = new CopyWorkload(Profiles.Catalog, Profile);
        BenchMeter.Default.WarmUpAll(
        [
            new BenchOp(n => _copy.CopyMcToKernelPoisoned(n), _copy.Reboot),
            new BenchOp(n => _copy.CopyMcHighpagePoisoned(n), _copy.Reboot),
        ]);
    }

    [IterationSetup]
    public void Reboot() => _copy.Reboot();

    [GlobalCleanup]
    public void Cleanup() => _copy.Dispose();

    [Benchmark]
    public KernelRun<ulong> CopyMcToKernelPoisoned() => _copy.CopyMcToKernelPoisoned(1);

    [Benchmark]
    public KernelRun<int> CopyMcHighpagePoisoned() => _copy.CopyMcHighpagePoisoned(1);
}
