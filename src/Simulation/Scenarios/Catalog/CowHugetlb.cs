using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// cow-hugetlb: a process writes its private 2 MiB hugetlb page and forks; sub-page 7 holds latent poison. The
/// child writes it: hugetlb_wp -> copy_user_large_folio copies sub-page by sub-page with copy_mc_user_highpage
/// (kernel-paths.md 1b). With copy_mc the copy fails at the poisoned sub-page: VM_FAULT_HWPOISON_LARGE |
/// VM_FAULT_SET_HINDEX(0) (hstate 0 sets no index bits), the new huge page back in the pool, memory_failure_queue(that sub-page's pfn, 0), and the
/// child's SIGBUS carries the huge page shift (21) where the architecture reports an lsb. The queued memory_failure
/// unmaps the huge page from both; nothing maps it any more, so it is dissolved: "huge page" Recovered (10g, 10d
/// me_huge_page). Without copy_mc the kernel dies in the copy.
/// </summary>
public sealed class CowHugetlb : Scenario
{
    private const int BadSubpage = 7;

    /// <inheritdoc />
    public override string Id => "cow-hugetlb";

    /// <inheritdoc />
    public override string Summary => "a forked child writes a COW-shared 2 MiB hugetlb page with poison: VM_FAULT_HWPOISON_LARGE, SIGBUS with lsb 21";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var parent = machine.Tasks.CreateProcess("huge");
        var hstate = machine.Hugetlb.Hstates[0];
        var vma = Hugetlb.MmapHugetlb(parent.Mm!, hstate, hstate.Size, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, parent, vma.Start, Enumerable.Repeat((byte)0x21, 64).ToArray());
        var child = machine.Tasks.Find(Fork.KernelClone(machine, parent))!;
        context.Set("child", child);
        context.Set("va", vma.Start);
        context.Set("folio", machine.Memory.PfnToPage(vma.Mm.PageTable.Walk(vma.Start).Entry.Pfn).Folio);
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) =>
        context.PoisonLine(context.Get<Folio>("folio").PageAt(context.Machine.Memory, BadSubpage), 0x40);

    /// <inheritdoc />
    public override void Act(ScenarioContext context)
    {
        var address = context.Get<ulong>("va") + (BadSubpage * (ulong)PhysicalMemory.PageSize) + 0x48;
        context.Result = UserAccess.Write(context.Machine, context.Get<TaskStruct>("child"), address, [1]).Fault.ToKernelString();
    }

    /// <inheritdoc />
    public override Expectation Expect(string profile) => !ProfileFacts.HasCopyMc(profile)
        ? ProfileFacts.KernelConsumption(profile)
        : Expectation.Survives() with
        {
            Result = "VM_FAULT_HWPOISON_LARGE",
            Signals = [ProfileFacts.HwpoisonFault(profile, "huge", 21)],
            Queued = ProfileFacts.QueuedAfterCopyFailure(profile, 1),
            MemoryFailures = [("huge page", MfResult.Recovered)],
        };
}
