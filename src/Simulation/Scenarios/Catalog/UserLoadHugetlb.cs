using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// user-load-hugetlb: a process loads a poisoned line of the fourth sub-page of its private 2 MiB hugetlb page.
/// The load traps in user mode and memory_failure(pfn, MF_ACTION_REQUIRED) takes the hugetlb path: the huge page is
/// unmapped and the consumer gets SIGBUS BUS_MCEERR_AR with lsb 21, the huge page shift; nothing maps it any more,
/// so it is dissolved and only the raw poisoned page stays out of use: "huge page" Recovered (kernel-paths.md 10g,
/// 10d me_huge_page). The same on every profile.
/// </summary>
public sealed class UserLoadHugetlb : Scenario
{
    private const int BadSubpage = 3;

    /// <inheritdoc />
    public override string Id => "user-load-hugetlb";

    /// <inheritdoc />
    public override string Summary => "a process loads a poisoned line of its 2 MiB hugetlb page: SIGBUS BUS_MCEERR_AR lsb 21, the huge page dissolved";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("huge");
        var hstate = machine.Hugetlb.Hstates[0];
        var vma = Hugetlb.MmapHugetlb(task.Mm!, hstate, hstate.Size, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, Enumerable.Repeat((byte)0x21, 64).ToArray());
        context.Set("task", task);
        context.Set("va", vma.Start + (BadSubpage * (ulong)PhysicalMemory.PageSize));
        context.Set("page", machine.Memory.PfnToPage(vma.Mm.PageTable.Walk(vma.Start).Entry.Pfn + BadSubpage));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), 0x80);

    /// <inheritdoc />
    public override void Act(ScenarioContext context) =>
        UserAccess.Read(context.Machine, context.Get<TaskStruct>("task"), context.Get<ulong>("va") + 0x88, new byte[8]);

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Signals = [new ExpectedSignal("huge", Signals.SIGBUS, Signals.BUS_MCEERR_AR, 21)],
        Queued = 0,
        MemoryFailures = [("huge page", MfResult.Recovered)],
    };
}
