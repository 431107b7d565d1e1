using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// patrol-scrub-late-kill: a process with the default kill policy (vm.memory_failure_early_kill = 0, no
/// PR_MCE_KILL) has a dirty anonymous page with a line of latent poison. The patrol scrubber finds it and
/// memory_failure(pfn, 0) unmaps the page to a hwpoison entry, signalling nobody: "dirty LRU page" Recovered. When
/// the process next touches the page, the fault on the hwpoison entry returns VM_FAULT_HWPOISON and the
/// architecture's fault handler sends its hwpoison SIGBUS (kernel-paths.md 10f late kill, section 0 "How a
/// VM_FAULT_HWPOISON becomes a signal"; RISC-V's mm_fault_error sends BUS_ADRERR).
/// </summary>
public sealed class PatrolScrubLateKill : Scenario
{
    /// <inheritdoc />
    public override string Id => "patrol-scrub-late-kill";

    /// <inheritdoc />
    public override string Summary => "the patrol scrubber finds poison in a late-kill process's page: unmapped quietly, SIGBUS when the process next touches it";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("victim");
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, Enumerable.Repeat((byte)0x99, PhysicalMemory.PageSize).ToArray());
        context.Set("task", task);
        context.Set("va", vma.Start);
        context.Set("page", machine.Memory.PfnToPage(task.Mm.PageTable.Walk(vma.Start).Entry.Pfn));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), 0x9c0);

    /// <inheritdoc />
    public override void Act(ScenarioContext context)
    {
        new PatrolScrubber(context.Machine).Run(TimeSpan.FromHours(24));
        context.Result = UserAccess.Read(context.Machine, context.Get<TaskStruct>("task"), context.Get<ulong>("va") + 0x20, new byte[8]).Fault.ToKernelString();
    }

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Result = "VM_FAULT_HWPOISON",
        Signals = [ProfileFacts.HwpoisonFault(profile, "victim", 12)],
        Queued = 0,
        MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
    };
}
