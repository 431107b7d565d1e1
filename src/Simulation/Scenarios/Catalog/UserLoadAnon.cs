using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// user-load-anon: a process loads from its own dirty anonymous page, one line of which holds latent poison. The
/// load traps in user mode; memory_failure(pfn, MF_ACTION_REQUIRED) unmaps the page and the process gets SIGBUS
/// BUS_MCEERR_AR with lsb 12 (kernel-paths.md, outcome table: user-mode load). Every profile recovers: user-mode
/// consumption needs no copy_mc.
/// </summary>
public sealed class UserLoadAnon : Scenario
{
    /// <inheritdoc />
    public override string Id => "user-load-anon";

    /// <inheritdoc />
    public override string Summary => "a process loads a poisoned line of its dirty anonymous page: SIGBUS BUS_MCEERR_AR, page isolated";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("victim");
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, [1, 2, 3]);
        context.Set("task", task);
        context.Set("va", vma.Start);
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context)
    {
        var task = context.Get<TaskStruct>("task");
        var pfn = task.Mm!.PageTable.Walk(context.Get<ulong>("va")).Entry.Pfn;
        context.PoisonLine(context.Machine.Memory.PfnToPage(pfn), 0x40);
    }

    /// <inheritdoc />
    public override void Act(ScenarioContext context) =>
        UserAccess.Read(context.Machine, context.Get<TaskStruct>("task"), context.Get<ulong>("va") + 0x48, new byte[8]);

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Signals = [new ExpectedSignal("victim", Signals.SIGBUS, Signals.BUS_MCEERR_AR, 12)],
        MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
        Queued = 0,
    };
}
