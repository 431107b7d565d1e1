using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// khugepaged-anon: a process's 2 MiB-aligned anonymous range holds eight small pages (faulted in under
/// MADV_NOHUGEPAGE, then made eligible with MADV_HUGEPAGE); the sixth has a line of latent poison. khugepaged
/// collapses the range: collapse_huge_page -> __collapse_huge_page_copy copies each page with copy_mc_user_highpage
/// (kernel-paths.md 5a). With copy_mc the copy fails: SCAN_COPY_MC, the old page table restored, the isolated pages
/// back on the LRU, the new THP freed, memory_failure_queue(pfn, 0); nothing is signalled (khugepaged is a kernel
/// thread). The queued memory_failure unmaps the dirty anonymous page (late kill): "dirty LRU page" Recovered.
/// Without copy_mc khugepaged consumes the poison in kernel mode and dies with the kernel's usual verdict.
/// </summary>
public sealed class KhugepagedAnon : Scenario
{
    private const int Pages = 8;
    private const int BadPage = 5;

    /// <inheritdoc />
    public override string Id => "khugepaged-anon";

    /// <inheritdoc />
    public override string Summary => "khugepaged collapses an anonymous range with a poisoned small page: SCAN_COPY_MC, the range left as it was";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("thp");
        var vma = task.Mm!.Mmap(Memory.HpagePmdSize, VmFlags.Read | VmFlags.Write | VmFlags.Nohugepage, align: Memory.HpagePmdSize);
        for (var i = 0; i < Pages; i++)
        {
            UserAccess.Write(machine, task, vma.Start + ((ulong)i * PhysicalMemory.PageSize), Enumerable.Repeat((byte)(i + 1), 16).ToArray());
        }

        // madvise(MADV_HUGEPAGE): the range becomes a khugepaged candidate.
        vma.Flags = (vma.Flags & ~VmFlags.Nohugepage) | VmFlags.Hugepage;
        context.Set("mm", task.Mm);
        context.Set("va", vma.Start);
        context.Set("page", machine.Memory.PfnToPage(task.Mm.PageTable.Walk(vma.Start + (BadPage * (ulong)PhysicalMemory.PageSize)).Entry.Pfn));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), 0x10);

    /// <inheritdoc />
    public override void Act(ScenarioContext context) =>
        context.Result = Khugepaged.KhugepagedScan(context.Machine, context.Get<MmStruct>("mm"), context.Get<ulong>("va")).KernelName();

    /// <inheritdoc />
    public override Expectation Expect(string profile) => !ProfileFacts.HasCopyMc(profile)
        ? ProfileFacts.KernelConsumption(profile)
        : Expectation.Survives() with
        {
            Result = "SCAN_COPY_MC",
            Signals = [],
            Queued = ProfileFacts.QueuedAfterCopyFailure(profile, 1),
            MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
        };
}
