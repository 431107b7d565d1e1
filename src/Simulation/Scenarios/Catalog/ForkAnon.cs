using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// fork-anon: a process has an anonymous page pinned for DMA (pin_user_pages) with a line of latent poison, and
/// forks. A pinned exclusive page cannot be shared, so copy_present_page copies it with copy_mc_user_highpage
/// (kernel-paths.md 3). With copy_mc the copy fails: -EHWPOISON, which copy_pmd_range turns into -ENOMEM; the
/// half-built child is torn down and fork() fails with ENOMEM, the parent as it was; memory_failure_queue(pfn, 0).
/// The queued memory_failure unmaps the dirty page from the parent (the hwpoison entry goes in whatever the DMA pin
/// says: try_to_unmap_one; late kill, no signal now) and reports "dirty LRU page" Recovered: me_pagecache_clean()
/// returns for an anonymous page before its has_extra_refcount() check, so the pin's references do not fail it.
/// Without copy_mc the kernel dies in the parent's fork.
/// </summary>
public sealed class ForkAnon : Scenario
{
    /// <inheritdoc />
    public override string Id => "fork-anon";

    /// <inheritdoc />
    public override string Summary => "fork() of a process with a DMA-pinned poisoned anonymous page: copy_present_page fails, fork returns ENOMEM";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("pinner");
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, Enumerable.Repeat((byte)0x42, PhysicalMemory.PageSize).ToArray());
        Gup.PinUserPages(machine, task, vma.Start, 1);
        context.Set("task", task);
        context.Set("page", machine.Memory.PfnToPage(task.Mm.PageTable.Walk(vma.Start).Entry.Pfn));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), 0x800);

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
            MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
        };
}
