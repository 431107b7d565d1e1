using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// ghes-cper-recoverable: firmware finds an uncorrectable error in a line of a process's dirty anonymous page
/// (before anyone consumes it) and reports it as a recoverable CPER platform memory error through an asynchronous
/// GHES source. ghes_handle_memory_failure queues memory_failure(pfn, 0) (not synchronous: no
/// MF_ACTION_REQUIRED); the kworker unmaps the page and, with the default late kill, signals nobody: "dirty LRU page"
/// Recovered (interfaces.md 6.1, kernel-paths.md 10h). The same on every profile.
/// </summary>
public sealed class GhesCperRecoverable : Scenario
{
    /// <inheritdoc />
    public override string Id => "ghes-cper-recoverable";

    /// <inheritdoc />
    public override string Summary => "an asynchronous GHES record of a recoverable memory error in a process's page: memory_failure_queue(pfn, 0), unmapped";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("victim");
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, Enumerable.Repeat((byte)0x77, PhysicalMemory.PageSize).ToArray());
        context.Set("page", machine.Memory.PfnToPage(task.Mm.PageTable.Walk(vma.Start).Entry.Pfn));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), 0x440);

    /// <inheritdoc />
    public override void Act(ScenarioContext context)
    {
        var page = context.Get<Page>("page");
        ((Ghes)context.Machine.Ghes).Process(CperRecordBuilder.PlatformMemoryError(page.PhysAddr + 0x440, page.Nid, CperSeverity.Recoverable,
            CperRecordBuilder.StatusDramStorage, CperSectionFlags.Primary), GhesNotify.Async);
    }

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Signals = [],
        Queued = 1,
        MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
    };
}
