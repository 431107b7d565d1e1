using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;

namespace KernelModel.Simulation.Fleet.Consumers;

/// <summary>
/// Any other kernel copy of the page with a plain memcpy (a driver, the network stack copying a page-cache page, a
/// crypto or compression routine): the architecture's memcpy has no exception-table entries, so the kernel dies on
/// every profile (field-rates.md row 20).
/// </summary>
public sealed class KernelCopy : MachineConsumer
{
    /// <inheritdoc />
    public override string Id => "kernel-memcpy";

    /// <inheritdoc />
    public override string Summary => "another kernel copy of the page with a plain memcpy (driver, network, crypto)";

    /// <inheritdoc />
    public override IReadOnlyList<string> Placements => ["pagecache"];

    /// <inheritdoc />
    public override void Consume(ScenarioContext context, string placement)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("sendfile");
        var file = machine.Filemap.CreateFile("/srv/www/index.html", InodeKind.Regular, PhysicalMemory.PageSize);
        var page = machine.Filemap.ReadCacheFolio(file, 0)!.Value.Head;
        var skb = machine.Allocator.AllocFolio(0)!.Value.Head;
        context.PoisonLine(page, PoisonOffset);
        var memcpy = machine.Arch.CopyRoutines.Single(r => r.Name == "memcpy");
        using (machine.CurrentCpu.Enter(task, CpuMode.Kernel))
        {
            memcpy.Invoke(machine.PageAddress(skb), machine.PageAddress(page), PhysicalMemory.PageSize);
        }

        context.Syscall("sendfile", PhysicalMemory.PageSize);
    }
}
