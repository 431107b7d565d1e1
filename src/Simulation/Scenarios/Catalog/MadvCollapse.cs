using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// madv-collapse: a process asks for its own 2 MiB anonymous range (eight small pages, the second with a line of
/// latent poison) to be collapsed now: madvise(MADV_COLLAPSE) runs the khugepaged copy in the caller's context
/// (kernel-paths.md 5c). With copy_mc the copy fails with SCAN_COPY_MC, which madvise_collapse_errno() does not
/// list: the syscall fails with EINVAL, the range untouched, memory_failure_queue(pfn, 0); the queued
/// memory_failure then unmaps the dirty page (late kill): "dirty LRU page" Recovered. Without copy_mc the kernel dies
/// in the caller's madvise.
/// </summary>
public sealed class MadvCollapse : Scenario
{
    /// <inheritdoc />
    public override string Id => "madv-collapse";

    /// <inheritdoc />
    public override string Summary => "madvise(MADV_COLLAPSE) over an anonymous range with a poisoned page: SCAN_COPY_MC, EINVAL";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("collapser");
        var vma = task.Mm!.Mmap(Memory.HpagePmdSize, VmFlags.Read | VmFlags.Write | VmFlags.Nohugepage, align: Memory.HpagePmdSize);
        for (var i = 0; i < 8; i++)
        {
            UserAccess.Write(machine, task, vma.Start + ((ulong)i * PhysicalMemory.PageSize), Enumerable.Repeat((byte)(i + 1), 16).ToArray());
        }

        // madvise(MADV_HUGEPAGE) undoes the MADV_NOHUGEPAGE the pages were faulted in under.
        vma.Flags = (vma.Flags & ~VmFlags.Nohugepage) | VmFlags.Hugepage;
        context.Set("task", task);
        context.Set("va", vma.Start);
        context.Set("page", machine.Memory.PfnToPage(task.Mm.PageTable.Walk(vma.Start + PhysicalMemory.PageSize).Entry.Pfn));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"));

    /// <inheritdoc />
    public override void Act(ScenarioContext context) =>
        context.Syscall("madvise", Khugepaged.MadviseCollapse(context.Machine, context.Get<TaskStruct>("task"), context.Get<ulong>("va"), Memory.HpagePmdSize));

    /// <inheritdoc />
    public override Expectation Expect(string profile) => !ProfileFacts.HasCopyMc(profile)
        ? ProfileFacts.KernelConsumption(profile)
        : Expectation.Survives() with
        {
            Syscalls = [("madvise", -Errno.EINVAL)],
            Signals = [],
            Queued = ProfileFacts.QueuedAfterCopyFailure(profile, 1),
            MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
        };
}
