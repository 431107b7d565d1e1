using BenchmarkDotNet.Attributes;
using KernelModel.Simulation.Performance;

namespace KernelModel.Bench;

/// <summary>
/// Targets 1 and 6: copy_mc_to_kernel and copy_mc_highpage of a clean 4 KiB page against Span&lt;byte&gt;.CopyTo
/// between the same frames, on every profile, with the bytes allocated per call. Each invocation makes
/// <see cref="Calls"/> copies, so the baseline takes its two spans once per 16 copies.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class CopyBenchmarks
{
    private const int Calls = 16;
    private CopyWorkload _copy = null!;

    /// <summary>Every registered profile.</summary>
    public static IEnumerable<string> AllProfiles => Profiles.All;

    [ParamsSource(nameof(AllProfiles))]
    public string Profile { get; set; } = "generic";

    [GlobalSetup]
    public void Setup() => _copy = new CopyWorkload(Profiles.Catalog, Profile);

    [GlobalCleanup]
    public void Cleanup() => _copy.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public void SpanCopyTo() => _copy.SpanCopyTo(Calls);

    [Benchmark(OperationsPerInvoke = Calls)]
    public ulong CopyMcToKernel() => _copy.CopyMcToKernel(Calls);

    [Benchmark(OperationsPerInvoke = Calls)]
    public int CopyMcHighpage() => _copy.CopyMcHighpage(Calls);
}
