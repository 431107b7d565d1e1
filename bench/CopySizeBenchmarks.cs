using BenchmarkDotNet.Attributes;
using KernelModel.Simulation.Performance;

namespace KernelModel.Bench;

/// <summary>How the clean copy's cost grows with its size, 64 B to 1 MiB, against Span&lt;byte&gt;.CopyTo of the same size (riscv64, the seed patch's copy).</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class CopySizeBenchmarks
{
    private const int Calls = 16;
    private CopyWorkload _copy = null!;

    [Params(64, 256, 1024, 4096, 16384, 65536, 262144, 1048576)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup() => _copy = new CopyWorkload(Profiles.Catalog, "riscv64", Length, Length / 2);

    [GlobalCleanup]
    public void Cleanup() => _copy.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public void SpanCopyTo() => _copy.SpanCopyTo(Calls);

    [Benchmark(OperationsPerInvoke = Calls)]
    public ulong CopyMcToKernel() => _copy.CopyMcToKernel(Calls);
}
