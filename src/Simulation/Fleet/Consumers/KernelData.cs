using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;
using KernelModel.Simulation.Simulate.Workloads;

namespace KernelModel.Simulation.Fleet.Consumers;

/// <summary>
/// The kernel reading its own data from a poisoned page: a slab page of the dentry cache, read by a path lookup in a
/// process's stat() with a plain load (the same lookup kmodel simulate's kernel objects make). No architecture has an exception-table entry for such a load, so the kernel
/// dies on every profile (the Meta case in field-rates.md section 5: slab pages, page tables, stacks, vmalloc).
/// </summary>
public sealed class KernelData : MachineConsumer
{
    /// <inheritdoc />
    public override string Id => "kernel-data";

    /// <inheritdoc />
    public override string Summary => "the kernel loads its own data (a dentry in a slab page) with a plain load";

    /// <inheritdoc />
    public override IReadOnlyList<string> Placements => ["slab"];

    /// <inheritdoc />
    public override void Consume(ScenarioContext context, string placement)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("nginx");
        var slab = machine.Allocator.AllocFolio(0)!.Value;
        slab.Set(PageFlags.Slab);
        machine.Memory.FrameForWrite(slab.Pfn).Fill(0x6b);
        context.PoisonLine(slab.Head, PoisonOffset);
        using (machine.CurrentCpu.Enter(task, CpuMode.Kernel))
        {
            KernelObjects.DLookup(machine, machine.PageAddress(slab.Head));
        }

        context.Syscall("stat", 0);
    }
}
