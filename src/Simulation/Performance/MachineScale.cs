using System.Diagnostics;
using KernelModel.Mm;

namespace KernelModel.Simulation.Performance;

/// <summary>
/// Target 4: what a large sparse machine costs the host. <see cref="Build"/> boots a machine and measures the time
/// and the managed memory it keeps before any page is touched; <see cref="Touch"/> then allocates folios and writes
/// every frame of them, and measures what that memory costs the host per touched byte and per 4 KiB frame. Memory is
/// the retained managed heap (GC.GetTotalMemory after a full collection), so garbage does not count.
/// </summary>
public static class MachineScale
{
    /// <summary>The machine of target 4: 1 TiB on 2 NUMA nodes.</summary>
    public static MachineConfig TerabyteConfig { get; } = new() { MemoryBytes = 1UL << 40, Nodes = 2, Seed = 1 };

    /// <summary>Boots <paramref name="config"/> on <paramref name="profile"/>; the machine with its boot time and retained host bytes.</summary>
    public static (Machine Machine, TimeSpan Elapsed, long HostBytes) Build(ProfileCatalog catalog, string profile, MachineConfig config)
    {
        catalog.Get(profile);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var start = Stopwatch.GetTimestamp();
        var machine = catalog.Boot(profile, config);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        return (machine, elapsed, after - before);
    }

    /// <summary>
    /// Touches <paramref name="bytes"/> of <paramref name="machine"/>'s memory: order-9 folios from the allocator
    /// (node 0 first), every frame written. Returns the retained host bytes that cost and the frames touched.
    /// </summary>
    /// <exception cref="ArgumentException">Not a positive multiple of 2 MiB, or more than the machine's free memory.</exception>
    public static (long HostBytes, long Frames) Touch(Machine machine, ulong bytes)
    {
        const int order = 9;
        const ulong folioBytes = PhysicalMemory.PageSize << order;
        if (bytes == 0 || bytes % folioBytes != 0)
        {
            throw new ArgumentException($"invalid touch size {bytes} bytes: it must be a positive multiple of 2 MiB");
        }

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var framesBefore = machine.Memory.TouchedFrames;
        for (ulong done = 0; done < bytes; done += folioBytes)
        {
            var folio = machine.Allocator.AllocFolio(order)
                ?? throw new ArgumentException($"invalid touch size {bytes} bytes: more than the machine's free memory");
            for (ulong i = 0; i < folio.NrPages; i++)
            {
                machine.Memory.FrameForWrite(folio.Pfn + i)[0] = 1;
            }
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        return (after - before, machine.Memory.TouchedFrames - framesBefore);
    }
}
