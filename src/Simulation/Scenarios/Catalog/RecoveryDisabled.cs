using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// recovery-disabled: vm.memory_failure_recovery is 0 and a process loads a poisoned line of its dirty anonymous
/// page. The trap hands the page to memory_failure, whose first check panics: "Memory failure on page %lx"
/// (kernel-paths.md 10a, interfaces.md 5.5). Every profile panics.
/// </summary>
public sealed class RecoveryDisabled : Scenario
{
    /// <inheritdoc />
    public override string Id => "recovery-disabled";

    /// <inheritdoc />
    public override string Summary => "vm.memory_failure_recovery=0 and a user load of poison: memory_failure panics";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        machine.Sysctl.Set("vm.memory_failure_recovery", "0");
        var task = machine.Tasks.CreateProcess("victim");
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, Enumerable.Repeat((byte)0x10, PhysicalMemory.PageSize).ToArray());
        context.Set("task", task);
        context.Set("va", vma.Start);
        context.Set("page", machine.Memory.PfnToPage(task.Mm.PageTable.Walk(vma.Start).Entry.Pfn));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"));

    /// <inheritdoc />
    public override void Act(ScenarioContext context) =>
        UserAccess.Read(context.Machine, context.Get<TaskStruct>("task"), context.Get<ulong>("va") + 0x100, new byte[8]);

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Panics() with { Queued = 0, MemoryFailures = [] };
}
