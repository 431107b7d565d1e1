using BenchmarkDotNet.Attributes;
using KernelModel.Simulation.Performance;

namespace KernelModel.Bench;

/// <summary>
/// Targets 1 and 6: copy_mc_to_kernel and copy_mc_highpage of a clean 4 KiB page against Span&lt;byte&gt;.CopyTo
/// between arrays of the same size, on every profile, with the bytes allocated per call.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class CopyBenchmarks
{
    private CopyWorkload _copy = null!;

    /// <summary>Every registered profile.</summary>
    public static IEnumerable<string> AllProfiles => Profiles.All;

    [ParamsSource(nameof(AllProfiles))]
    public string Profile { get; set; } = "generic";

    [GlobalSetup]
    public void Setup() => _copy = new CopyWorkload(Profiles.Catalog, Profile);

    [GlobalCleanup]
    public void Cleanup() => _copy.Dispose();

    [Benchmark(Baseline = true)]
    public void SpanCopyTo() => _copy.SpanCopyTo(1);

    [Benchmark]
    public ulong CopyMcToKernel() => _copy.CopyMcToKernel(1);

    [Benchmark]
    public int CopyMcHighpage() => _copy.CopyMcHighpage(1);
}
