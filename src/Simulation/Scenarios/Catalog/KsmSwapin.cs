using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// ksm-swapin: two processes hold the same data in a mergeable page; ksmd merges them into one KSM page, which is
/// then swapped out. Process ksm-a faults it back in (the swap-cache folio becomes its own); a line of that folio
/// holds latent poison when ksm-b faults on its swap entry: do_swap_page -> ksm_might_need_to_copy copies the folio
/// for ksm-b's anon_vma with copy_mc_user_highpage (kernel-paths.md 4). With copy_mc: ERR_PTR(-EHWPOISON),
/// VM_FAULT_HWPOISON, ksm-b's PTE stays a swap entry, memory_failure_queue(pfn, 0), and ksm-b gets the
/// architecture's hwpoison SIGBUS. The queued memory_failure finds a clean swap-cache page mapped read-only by
/// ksm-a: it keeps swap entries ("keeping poisoned page in swap cache"; clean, so dropped without killing) and
/// deletes it from the swap cache: "clean swapcache page" Recovered (the data is still on the swap device). Without
/// copy_mc the kernel dies in ksm-b's fault.
/// </summary>
public sealed class KsmSwapin : Scenario
{
    /// <inheritdoc />
    public override string Id => "ksm-swapin";

    /// <inheritdoc />
    public override string Summary => "swap-in of a KSM page by its second sharer copies a poisoned swap-cache folio: VM_FAULT_HWPOISON, PTE stays a swap entry";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var a = machine.Tasks.CreateProcess("ksm-a");
        var b = machine.Tasks.CreateProcess("ksm-b");
        var data = Enumerable.Repeat((byte)0x4b, PhysicalMemory.PageSize).ToArray();
        var vmaA = a.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write | VmFlags.Mergeable);
        var vmaB = b.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write | VmFlags.Mergeable);
        UserAccess.Write(machine, a, vmaA.Start, data);
        UserAccess.Write(machine, b, vmaB.Start, data);
        Ksm.KsmdScan(machine);
        Vmscan.ReclaimFolio(machine, machine.Memory.PfnToPage(vmaA.Mm.PageTable.Walk(vmaA.Start).Entry.Pfn).Folio);
        UserAccess.Read(machine, a, vmaA.Start, new byte[8]);
        context.Set("b", b);
        context.Set("va", vmaB.Start);
        context.Set("page", machine.Memory.PfnToPage(vmaA.Mm.PageTable.Walk(vmaA.Start).Entry.Pfn));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), 0x640);

    /// <inheritdoc />
    public override void Act(ScenarioContext context) =>
        context.Result = UserAccess.Read(context.Machine, context.Get<TaskStruct>("b"), context.Get<ulong>("va") + 0x31, new byte[1]).Fault.ToKernelString();

    /// <inheritdoc />
    public override Expectation Expect(string profile) => !ProfileFacts.HasCopyMc(profile)
        ? ProfileFacts.KernelConsumption(profile)
        : Expectation.Survives() with
        {
            Result = "VM_FAULT_HWPOISON",
            Signals = [ProfileFacts.HwpoisonFault(profile, "ksm-b", 12)],
            Queued = ProfileFacts.QueuedAfterCopyFailure(profile, 1),
            MemoryFailures = [("clean swapcache page", MfResult.Recovered)],
        };
}
