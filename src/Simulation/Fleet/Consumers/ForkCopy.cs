using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;

namespace KernelModel.Simulation.Fleet.Consumers;

/// <summary>
/// fork() copying a page the child must not share: an exclusive anonymous page that may be DMA-pinned (an RDMA or
/// io_uring buffer) is copied at fork by copy_present_page() with copy_mc_user_highpage(); a copy that consumes
/// poison fails the fork with ENOMEM on the kernels that recover.
/// </summary>
public sealed class ForkCopy : MachineConsumer
{
    /// <inheritdoc />
    public override string Id => "fork-copy";

    /// <inheritdoc />
    public override string Summary => "fork() copies a DMA-pinned anonymous page (copy_present_page)";

    /// <inheritdoc />
    public override IReadOnlyList<string> Placements => ["pinned"];

    /// <inheritdoc />
    public override void Consume(ScenarioContext context, string placement)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("rdma-app");
        var buffer = AnonPages(machine, task, 1);
        Gup.PinUserPages(machine, task, buffer.Start, 1);
        context.PoisonLine(PageAt(machine, task, buffer.Start), PoisonOffset);
        context.Syscall("fork", Fork.KernelClone(machine, task));
    }
}
