using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// soft-offline-copy-fail: a privileged process soft-offlines its own dirty anonymous page with
/// madvise(MADV_SOFT_OFFLINE), not knowing that a line of it already holds latent poison. soft_offline_page
/// migrates the page (migrate_pages, MR_MEMORY_FAILURE) and folio_mc_copy consumes the poison (kernel-paths.md 6,
/// 10j). With copy_mc the copy fails: the migration is a permanent failure, the page put back, "Soft offline:
/// %#lx: page migration failed 1, type ..." and madvise fails with EBUSY; memory_failure_queue(pfn, 0), and the
/// queued memory_failure unmaps the page (late kill): "dirty LRU page" Recovered. Without copy_mc the kernel dies
/// in the caller's madvise.
/// </summary>
public sealed class SoftOfflineCopyFail : Scenario
{
    /// <inheritdoc />
    public override string Id => "soft-offline-copy-fail";

    /// <inheritdoc />
    public override string Summary => "madvise(MADV_SOFT_OFFLINE) of a page with latent poison: the migration's folio_mc_copy fails, EBUSY";

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
        context.Set("page", machine.Memory.PfnToPage(task.Mm.PageTable.Walk(vma.Start).Entry.Pfn));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), 0x3c0);

    /// <inheritdoc />
    public override void Act(ScenarioContext context) =>
        context.Syscall("madvise", MadviseInjectError.Madvise(context.Machine, context.Get<TaskStruct>("task"), context.Get<ulong>("va"),
            PhysicalMemory.PageSize, MadviseInjectError.MadvSoftOffline));

    /// <inheritdoc />
    public override Expectation Expect(string profile) => !ProfileFacts.HasCopyMc(profile)
        ? ProfileFacts.KernelConsumption(profile)
        : Expectation.Survives() with
        {
            Syscalls = [("madvise", -Errno.EBUSY)],
            Signals = [],
            Queued = ProfileFacts.QueuedAfterCopyFailure(profile, 1),
            MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
        };
}
