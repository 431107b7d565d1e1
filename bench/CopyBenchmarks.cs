using BenchmarkDotNet.Attributes;
using KernelModel.Mm;

namespace KernelModel.Bench;

/// <summary>
/// Target 1 and 2: copy_mc_to_kernel of a clean 4 KiB page against Span.CopyTo on the same bytes, and of a
/// page with one poisoned line, per profile.
/// </summary>
[MemoryDiagnoser]
public class CopyBenchmarks
{
    private readonly byte[] _a = new byte[PhysicalMemory.PageSize];
    private readonly byte[] _b = new byte[PhysicalMemory.PageSize];
    private Machine _machine = null!;
    private ulong _src;
    private ulong _dst;
    private ulong _poisonedSrc;
    private Cpu.ContextScope _scope;

    [Params("generic")]
    public string Profile { get; set; } = "generic";

    [GlobalSetup]
    public void Setup()
    {
        _machine = Profiles.Catalog.Boot(Profile, new MachineConfig { MemoryBytes = 1UL << 30 });
        var task = _machine.Tasks.CreateProcess("bench");
        _scope = _machine.CurrentCpu.Enter(task, CpuMode.Kernel);
        _src = Page();
        _dst = Page();
        _poisonedSrc = Page();
        _machine.Memory.InjectPoison(_poisonedSrc - _machine.Arch.PageOffset + 2048);
    }

    [GlobalCleanup]
    public void Cleanup() => _scope.Dispose();

    [Benchmark(Baseline = true)]
    public void SpanCopyTo() => _a.AsSpan().CopyTo(_b);

    [Benchmark]
    public ulong CopyMcToKernelClean() => _machine.Arch.CopyMc.CopyMcToKernel(_dst, _src, PhysicalMemory.PageSize);

    private ulong Page()
    {
        var folio = _machine.Allocator.AllocFolio(0)!.Value;
        _machine.Memory.FrameForWrite(folio.Pfn).Fill(0x5a);
        return _machine.PageAddress(folio.Head);
    }
}
