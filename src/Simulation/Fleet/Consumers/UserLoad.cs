using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;

namespace KernelModel.Simulation.Fleet.Consumers;

/// <summary>
/// A process's own load of the poisoned line, in user mode: the architecture's trap hands the page to
/// memory_failure with MF_ACTION_REQUIRED (or GHES does) and the process gets SIGBUS. Placements are the page kinds
/// a process reads: its anonymous memory (4 KiB or THP), a shared file mapping (page cache), shmem, hugetlb.
/// </summary>
public sealed class UserLoad : MachineConsumer
{
    private const ulong Huge = 2UL << 20;

    /// <inheritdoc />
    public override string Id => "user-load";

    /// <inheritdoc />
    public override string Summary => "a process loads the poisoned line itself (user mode)";

    /// <inheritdoc />
    public override IReadOnlyList<string> Placements => ["anon", "thp", "pagecache", "shmem", "hugetlb"];

    /// <inheritdoc />
    public override void Consume(ScenarioContext context, string placement)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("reader");
        ulong va;
        switch (placement)
        {
            case "anon":
                va = AnonPages(machine, task, 1).Start;
                break;
            case "thp":
                // A write fault on an aligned 2 MiB anonymous range maps a THP (transparent_hugepage=always).
                va = task.Mm!.Mmap(Huge, VmFlags.Read | VmFlags.Write, align: Huge).Start;
                Touch(machine, task, va);
                va += 5UL << PhysicalMemory.PageShift;
                break;
            case "pagecache":
            {
                var file = machine.Filemap.CreateFile("/srv/data", InodeKind.Regular, PhysicalMemory.PageSize);
                va = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Shared, file).Start;
                UserAccess.Read(machine, task, va, new byte[8]);
                break;
            }

            case "shmem":
            {
                var file = machine.Filemap.CreateFile("/dev/shm/data", InodeKind.Shmem, PhysicalMemory.PageSize);
                va = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write | VmFlags.Shared, file).Start;
                Touch(machine, task, va);
                break;
            }

            default:
                va = Hugetlb.MmapHugetlb(task.Mm!, machine.Hugetlb.Hstates[0], Huge, VmFlags.Read | VmFlags.Write).Start;
                Touch(machine, task, va);
                va += 7UL << PhysicalMemory.PageShift;
                break;
        }

        context.PoisonLine(PageAt(machine, task, va), PoisonOffset);
        UserAccess.Read(machine, task, va + PoisonOffset, new byte[8]);
    }
}
