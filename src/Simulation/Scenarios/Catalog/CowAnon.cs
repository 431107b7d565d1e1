using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// cow-anon: a process writes its anonymous page and forks; the page is shared copy-on-write and one of its lines
/// holds latent poison. The child writes it: do_wp_page -> wp_page_copy -> __wp_page_copy_user ->
/// copy_mc_user_highpage consumes the poison (kernel-paths.md 1a, outcome table "Anon COW"). With copy_mc the copy
/// fails: VM_FAULT_HWPOISON, the new folio freed, the PTE left as it was, memory_failure_queue(source pfn, 0), and
/// the child gets the architecture's SIGBUS for a hwpoison fault; the queued memory_failure then unmaps the dirty
/// anonymous page from both (late kill: nobody else is signalled now). Without copy_mc the plain copy consumes the
/// poison in kernel mode and the kernel dies as the architecture does.
/// </summary>
public sealed class CowAnon : Scenario
{
    /// <inheritdoc />
    public override string Id => "cow-anon";

    /// <inheritdoc />
    public override string Summary => "a forked child writes a COW-shared anonymous page with poison: wp_page_copy fails, VM_FAULT_HWPOISON, SIGBUS to the writer";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var parent = machine.Tasks.CreateProcess("cow");
        var vma = parent.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, parent, vma.Start, Enumerable.Repeat((byte)0x5a, PhysicalMemory.PageSize).ToArray());
        var child = machine.Tasks.Find(Fork.KernelClone(machine, parent))!;
        context.Set("child", child);
        context.Set("va", vma.Start);
        context.Set("page", machine.Memory.PfnToPage(parent.Mm.PageTable.Walk(vma.Start).Entry.Pfn));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"));

    /// <inheritdoc />
    public override void Act(ScenarioContext context)
    {
        var result = UserAccess.Write(context.Machine, context.Get<TaskStruct>("child"), context.Get<ulong>("va") + 0x80, [1]);
        context.Result = result.Fault.ToKernelString();
    }

    /// <inheritdoc />
    public override Expectation Expect(string profile) => !ProfileFacts.HasCopyMc(profile)
        ? ProfileFacts.KernelConsumption(profile)
        : Expectation.Survives() with
        {
            Result = "VM_FAULT_HWPOISON",
            Signals = [ProfileFacts.HwpoisonFault(profile, "cow", 12)],
            Queued = ProfileFacts.QueuedAfterCopyFailure(profile, 1),
            MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
        };
}
