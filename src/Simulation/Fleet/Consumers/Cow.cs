using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;

namespace KernelModel.Simulation.Fleet.Consumers;

/// <summary>
/// A copy on write of the poisoned page: after fork, the child's first write to a shared anonymous page (do_wp_page
/// -> wp_page_copy), to a page of a THP (the PMD is split and the 4 KiB page copied), or to a private hugetlb page
/// (hugetlb_wp -> copy_user_large_folio); or the first write to a private file mapping (do_cow_fault copies the
/// page-cache page). The copy runs in kernel mode in the writer's fault.
/// </summary>
public sealed class Cow : MachineConsumer
{
    private const ulong Huge = 2UL << 20;

    /// <inheritdoc />
    public override string Id => "cow";

    /// <inheritdoc />
    public override string Summary => "copy on write: the child's write after fork, or the first write to a private file mapping (do_cow_fault)";

    /// <inheritdoc />
    public override IReadOnlyList<string> Placements => ["anon", "thp", "hugetlb", "file"];

    /// <inheritdoc />
    public override void Consume(ScenarioContext context, string placement)
    {
        var machine = context.Machine;
        var parent = machine.Tasks.CreateProcess("server");
        if (placement == "file")
        {
            var file = machine.Filemap.CreateFile("/usr/lib/libserver.so", InodeKind.Regular, PhysicalMemory.PageSize);
            var cached = machine.Filemap.ReadCacheFolio(file, 0)!.Value;
            var mapping = parent.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write, file);
            context.PoisonLine(cached.Head, PoisonOffset);
            Touch(machine, parent, mapping.Start);
            return;
        }

        var va = placement switch
        {
            "anon" => AnonPages(machine, parent, 1).Start,
            "thp" => parent.Mm!.Mmap(Huge, VmFlags.Read | VmFlags.Write, align: Huge).Start + (3UL << PhysicalMemory.PageShift),
            _ => Hugetlb.MmapHugetlb(parent.Mm!, machine.Hugetlb.Hstates[0], Huge, VmFlags.Read | VmFlags.Write).Start + (3UL << PhysicalMemory.PageShift),
        };
        Touch(machine, parent, va);
        var pid = context.Syscall("fork", Fork.KernelClone(machine, parent));
        context.PoisonLine(PageAt(machine, parent, va), PoisonOffset);
        Touch(machine, machine.Tasks.Find((int)pid)!, va);
    }
}
