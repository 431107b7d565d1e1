using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;

namespace KernelModel.Simulation.Fleet.Consumers;

/// <summary>A crashing process's core dump reads the poisoned page (dump_user_range; copy_mc_to_kernel where the architecture has it).</summary>
public sealed class CoreDump : MachineConsumer
{
    /// <inheritdoc />
    public override string Id => "coredump";

    /// <inheritdoc />
    public override string Summary => "a crashing process's core dump reads the page";

    /// <inheritdoc />
    public override IReadOnlyList<string> Placements => ["anon"];

    /// <inheritdoc />
    public override void Consume(ScenarioContext context, string placement)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("crasher");
        var vma = AnonPages(machine, task, 2);
        context.PoisonLine(PageAt(machine, task, vma.Start + PhysicalMemory.PageSize), PoisonOffset);
        var core = Coredump.DoCoredump(machine, task);
        context.Result = core.Truncated ? "core truncated" : "core complete";
    }
}
