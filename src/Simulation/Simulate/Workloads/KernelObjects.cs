using KernelModel.Mm;

namespace KernelModel.Simulation.Simulate.Workloads;

/// <summary>
/// The kernel's own objects, part of every run: a dentry cache of 256 slab pages, which processes' path lookups
/// (stat) read with plain loads every minute. No architecture has an exception-table entry for such a load, so
/// poison in a kernel-owned page kills the kernel whatever the profile (field-rates.md section 5: the Meta case).
/// </summary>
public sealed class KernelObjects : Workload
{
    /// <summary>__d_lookup()'s load of a dentry in the hash chain (no exception-table entry on any architecture).</summary>
    public static readonly CodeSite DLookupLoad = new("__d_lookup", "ldr 8", SiteAccess.Load);

    private const int SlabPages = 256;
    private readonly List<Page> _slabs = [];
    private TaskStruct? _shell;

    /// <inheritdoc />
    public override string Name => "kernel";

    /// <inheritdoc />
    public override string Summary => "the kernel's dentry cache (slab pages) read by path lookups";

    /// <inheritdoc />
    public override IReadOnlyList<WorkloadActivity> Activities => [new("stat", TimeSpan.FromMinutes(1), Stat)];

    /// <inheritdoc />
    public override void Start(WorkloadContext context)
    {
        for (var i = 0; i < SlabPages; i++)
        {
            var folio = context.Machine.Allocator.AllocFolio(0)!.Value;
            folio.Set(PageFlags.Slab);
            context.Machine.Memory.FrameForWrite(folio.Pfn).Fill(0x6b);
            _slabs.Add(folio.Head);
        }
    }

    /// <inheritdoc />
    public override IEnumerable<(Page Page, PageClass Class)> Pages(WorkloadContext context) => _slabs.Select(p => (p, PageClass.Slab));

    /// <summary>__d_lookup(): walks a hash chain of dentries in the dentry cache, reading them (here: the page at <paramref name="chain"/>).</summary>
    [KernelSymbol("fs/dcache.c", "__d_lookup")]
    public static bool DLookup(Machine machine, ulong chain)
    {
        var dentries = new byte[PhysicalMemory.PageSize];
        return machine.CurrentCpu.Load(DLookupLoad, chain, dentries) == AccessResult.Ok;
    }

    private void Stat(WorkloadContext context)
    {
        var task = context.Ensure(ref _shell, () => context.Machine.Tasks.CreateProcess("sshd"));
        using (context.Machine.CurrentCpu.Enter(task, CpuMode.Kernel))
        {
            for (var n = 0; n < 2; n++)
            {
                DLookup(context.Machine, context.Machine.PageAddress(context.Pick(_slabs)));
            }
        }
    }
}
