using KernelModel.Hwpoison;
using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;

namespace KernelModel.Simulation.Fleet.Consumers;

/// <summary>
/// The patrol scrubber finding the poison before anyone loads it (field-rates.md row 12): the platform reports the
/// line and memory_failure(pfn, 0) runs from a kernel worker. Placements are the page classes of the memory
/// composition (row 22): a process's anonymous page, a page-cache page, a kernel slab page, a free page, a hugetlb
/// page. Nothing is consumed; what matters is whether memory_failure contains the page (a slab page it cannot).
/// </summary>
public sealed class PatrolScrub : MachineConsumer
{
    private const ulong Huge = 2UL << 20;

    /// <inheritdoc />
    public override string Id => "scrub";

    /// <inheritdoc />
    public override string Summary => "the patrol scrubber finds the poisoned line first: memory_failure(pfn, 0) from a kernel worker";

    /// <inheritdoc />
    public override IReadOnlyList<string> Placements => ["anon", "pagecache", "slab", "free", "hugetlb"];

    /// <inheritdoc />
    public override bool LoadsThePoison => false;

    /// <inheritdoc />
    public override void Consume(ScenarioContext context, string placement)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("app");
        Page page;
        switch (placement)
        {
            case "anon":
                page = PageAt(machine, task, AnonPages(machine, task, 1).Start);
                break;
            case "pagecache":
                page = machine.Filemap.ReadCacheFolio(machine.Filemap.CreateFile("/var/lib/db", InodeKind.Regular, PhysicalMemory.PageSize), 0)!.Value.Head;
                break;
            case "slab":
                var slab = machine.Allocator.AllocFolio(0)!.Value;
                slab.Set(PageFlags.Slab);
                page = slab.Head;
                break;
            case "free":
                var freed = machine.Allocator.AllocFolio(0)!.Value;
                machine.PutFolio(freed);
                page = freed.Head;
                break;
            default:
                var va = Hugetlb.MmapHugetlb(task.Mm!, machine.Hugetlb.Hstates[0], Huge, VmFlags.Read | VmFlags.Write).Start;
                Touch(machine, task, va);
                page = PageAt(machine, task, va + (9UL << PhysicalMemory.PageShift));
                break;
        }

        context.PoisonLine(page, PoisonOffset);
        var scrubber = new PatrolScrubber(machine, TimeSpan.FromHours(1));
        context.Result = $"scrubber found {scrubber.Run(TimeSpan.FromHours(1)).Count} line(s)";
    }
}
