using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using KernelModel.Mm;
using KernelModel.Simulation.Performance;

namespace KernelModel.Bench;

/// <summary>
/// Target 4: booting the untouched 1 TiB 2-node machine, and touching 1 GiB of it (order-9 folios, every frame
/// written) against the raw allocation of the same frames as byte arrays; the memory diagnoser's difference per
/// frame is the per-frame metadata.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class MachineScaleBenchmarks
{
    private const ulong Touched = 1UL << 30;
    private Machine? _machine;
    private byte[][]? _frames;

    [IterationSetup(Target = nameof(Touch1GiB))]
    public void BootForTouch() => _machine = Profiles.Catalog.Boot(BenchSuite.ScaleProfile, MachineScale.TerabyteConfig);

    [IterationCleanup]
    public void Drop()
    {
        _machine = null;
        _frames = null;
    }

    [Benchmark]
    public Machine Boot1TiB() => Profiles.Catalog.Boot(BenchSuite.ScaleProfile, MachineScale.TerabyteConfig);

    [Benchmark(Baseline = true)]
    public byte[][] RawFrames1GiB()
    {
        _frames = new byte[Touched / PhysicalMemory.PageSize][];
        for (var i = 0; i < _frames.Length; i++)
        {
            _frames[i] = new byte[PhysicalMemory.PageSize];
            _frames[i][0] = 1;
        }

        return _frames;
    }

    [Benchmark]
    public long Touch1GiB() => MachineScale.Touch(_machine!, Touched).Frames;
}
