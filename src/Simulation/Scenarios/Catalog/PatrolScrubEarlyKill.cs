using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// patrol-scrub-early-kill: a process that asked for early kill (prctl(PR_MCE_KILL, PR_MCE_KILL_SET,
/// PR_MCE_KILL_EARLY)) has a dirty anonymous page with a line of latent poison, which nobody consumes. The memory
/// controller's patrol scrubber finds it within a day and the platform reports it action-optional:
/// memory_failure(pfn, 0). The page is unmapped and, being dirty, the early-kill process gets SIGBUS BUS_MCEERR_AO
/// with lsb 12 at once (kernel-paths.md 10f, 12; interfaces.md 5.6): "dirty LRU page" Recovered. No consumption:
/// the same on every profile.
/// </summary>
public sealed class PatrolScrubEarlyKill : Scenario
{
    /// <inheritdoc />
    public override string Id => "patrol-scrub-early-kill";

    /// <inheritdoc />
    public override string Summary => "the patrol scrubber finds poison in an early-kill process's page: memory_failure(pfn, 0), SIGBUS BUS_MCEERR_AO now";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("victim");
        context.Syscall("prctl", PrctlMceKill.Prctl(task, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillSet, PrctlMceKill.PrMceKillEarly));
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, Enumerable.Repeat((byte)0x99, PhysicalMemory.PageSize).ToArray());
        context.Set("page", machine.Memory.PfnToPage(task.Mm.PageTable.Walk(vma.Start).Entry.Pfn));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), 0x9c0);

    /// <inheritdoc />
    public override void Act(ScenarioContext context) => new PatrolScrubber(context.Machine).Run(TimeSpan.FromHours(24));

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Syscalls = [("prctl", 0)],
        Signals = [new ExpectedSignal("victim", Signals.SIGBUS, Signals.BUS_MCEERR_AO, 12)],
        Queued = 0,
        MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
    };
}
