using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// soft-offline-anon: a privileged process soft-offlines its own healthy dirty anonymous page (a page an
/// administrator suspects) with madvise(MADV_SOFT_OFFLINE): "Soft offlining pfn %#lx at process virtual address
/// %#lx", soft_offline_page(pfn, MF_COUNT_INCREASED) migrates the contents to a new frame and marks the old one
/// poisoned, out of use for good (interfaces.md 5.1, kernel-paths.md 10j). madvise returns 0; nothing is killed,
/// memory_failure never runs, and the process reads its data back from the new frame. There is no poison to consume:
/// the same on every profile.
/// </summary>
public sealed class SoftOfflineAnon : Scenario
{
    /// <inheritdoc />
    public override string Id => "soft-offline-anon";

    /// <inheritdoc />
    public override string Summary => "madvise(MADV_SOFT_OFFLINE) of a healthy anonymous page: migrated, the old frame taken out of use, no signal";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("offliner");
        task.Capabilities.Add(Capability.SysAdmin);
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, Enumerable.Repeat((byte)0x5f, PhysicalMemory.PageSize).ToArray());
        context.Set("task", task);
        context.Set("va", vma.Start);
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) =>
        context.Syscall("madvise", MadviseInjectError.Madvise(context.Machine, context.Get<TaskStruct>("task"), context.Get<ulong>("va"),
            PhysicalMemory.PageSize, MadviseInjectError.MadvSoftOffline));

    /// <inheritdoc />
    public override void Act(ScenarioContext context) =>
        UserAccess.Read(context.Machine, context.Get<TaskStruct>("task"), context.Get<ulong>("va"), new byte[PhysicalMemory.PageSize]);

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Syscalls = [("madvise", 0)],
        Signals = [],
        Queued = 0,
        MemoryFailures = [],
    };
}
