using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// fork-hugetlb: a process has a private 2 MiB hugetlb page pinned for DMA, its first sub-page holding latent
/// poison, and forks. copy_hugetlb_page_range must copy the pinned page (copy_user_large_folio) and the copy
/// consumes the poison (kernel-paths.md 3). With copy_mc: -EHWPOISON (the new huge page back in the pool), dup_mmap
/// fails and fork() returns ENOMEM; memory_failure_queue(pfn, 0). The queued memory_failure unmaps the huge page,
/// but the pin keeps it in use, so it cannot be dissolved: "huge page" Failed (me_huge_page, 10d). Without copy_mc
/// the kernel dies in the parent's fork.
/// </summary>
public sealed class ForkHugetlb : Scenario
{
    /// <inheritdoc />
    public override string Id => "fork-hugetlb";

    /// <inheritdoc />
    public override string Summary => "fork() of a process with a pinned poisoned 2 MiB hugetlb page: copy_hugetlb_page_range fails, fork returns ENOMEM";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("pinner");
        var hstate = machine.Hugetlb.Hstates[0];
        var vma = Hugetlb.MmapHugetlb(task.Mm!, hstate, hstate.Size, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, Enumerable.Repeat((byte)0x21, 64).ToArray());
        Gup.PinUserPages(machine, task, vma.Start, 1);
        context.Set("task", task);
        context.Set("page", machine.Memory.PfnToPage(vma.Mm.PageTable.Walk(vma.Start).Entry.Pfn));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), 0x40);

    /// <inheritdoc />
    public override void Act(ScenarioContext context) =>
        context.Syscall("fork", Fork.KernelClone(context.Machine, context.Get<TaskStruct>("task")));

    /// <inheritdoc />
    public override Expectation Expect(string profile) => !ProfileFacts.HasCopyMc(profile)
        ? ProfileFacts.KernelConsumption(profile)
        : Expectation.Survives() with
        {
            Syscalls = [("fork", -Errno.ENOMEM)],
            Signals = [],
            Queued = ProfileFacts.QueuedAfterCopyFailure(profile, 1),
            MemoryFailures = [("huge page", MfResult.Failed)],
        };
}
