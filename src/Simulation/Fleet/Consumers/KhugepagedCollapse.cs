using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;

namespace KernelModel.Simulation.Fleet.Consumers;

/// <summary>
/// khugepaged collapsing small pages into a THP: it copies every small page of the range into the new huge page
/// (copy_mc_user_highpage for anonymous memory, copy_mc_highpage for shmem), so one poisoned line anywhere in a
/// collapsible range is consumed by the kernel thread (field-rates.md section 5, Google's khugepaged rationale).
/// </summary>
public sealed class KhugepagedCollapse : MachineConsumer
{
    private const ulong Huge = 2UL << 20;

    /// <inheritdoc />
    public override string Id => "khugepaged";

    /// <inheritdoc />
    public override string Summary => "khugepaged copies small pages into a new THP (anonymous or shmem)";

    /// <inheritdoc />
    public override IReadOnlyList<string> Placements => ["anon", "shmem"];

    /// <inheritdoc />
    public override void Consume(ScenarioContext context, string placement)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("java");
        Vma vma;
        if (placement == "anon")
        {
            // Faulted in as small pages under MADV_NOHUGEPAGE, then made eligible with MADV_HUGEPAGE.
            vma = task.Mm!.Mmap(Huge, VmFlags.Read | VmFlags.Write | VmFlags.Nohugepage, align: Huge);
        }
        else
        {
            var file = machine.Filemap.CreateFile("/dev/shm/heap", InodeKind.Shmem, Huge);
            vma = task.Mm!.Mmap(Huge, VmFlags.Read | VmFlags.Write | VmFlags.Shared, file, align: Huge);
        }

        for (var i = 0; i < 8; i++)
        {
            Touch(machine, task, vma.Start + ((ulong)i << PhysicalMemory.PageShift));
        }

        vma.Flags = (vma.Flags & ~VmFlags.Nohugepage) | VmFlags.Hugepage;
        context.PoisonLine(PageAt(machine, task, vma.Start + (5UL << PhysicalMemory.PageShift)), PoisonOffset);
        context.Result = Khugepaged.KhugepagedScan(machine, task.Mm, vma.Start).KernelName();
    }
}
