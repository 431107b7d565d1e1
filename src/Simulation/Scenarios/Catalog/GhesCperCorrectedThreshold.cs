using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// ghes-cper-corrected-threshold: a line of a process's anonymous page keeps producing corrected errors until
/// firmware reports a corrected CPER platform memory error with CPER_SEC_ERROR_THRESHOLD_EXCEEDED.
/// ghes_handle_memory_failure queues it with MF_SOFT_OFFLINE; the worker hands it to soft_offline_page, which
/// migrates the data to a new frame and takes the old one out of use: no memory_failure verdict, nobody signalled,
/// the process keeps its data (interfaces.md 6.1, kernel-paths.md 10h, 10j, 11). There is no poison: the same on
/// every profile.
/// </summary>
public sealed class GhesCperCorrectedThreshold : Scenario
{
    /// <inheritdoc />
    public override string Id => "ghes-cper-corrected-threshold";

    /// <inheritdoc />
    public override string Summary => "a GHES corrected-error record over its threshold: memory_failure_queue(pfn, MF_SOFT_OFFLINE), the page soft-offlined";

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
    public override void Inject(ScenarioContext context)
    {
        var page = context.Get<Page>("page");
        ((Ghes)context.Machine.Ghes).Process(CperRecordBuilder.PlatformMemoryError(page.PhysAddr + 0x440, page.Nid, CperSeverity.Corrected,
            CperRecordBuilder.StatusDramStorage, CperSectionFlags.Primary | CperSectionFlags.ErrorThresholdExceeded), GhesNotify.Async);
    }

    /// <inheritdoc />
    public override void Act(ScenarioContext context) => MemoryFailureHandler.Of(context.Machine)!.Queue.RunPending();

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Signals = [],
        Queued = 1,
        MemoryFailures = [],
    };
}
