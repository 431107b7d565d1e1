using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;

namespace KernelModel.Simulation.Fleet.Consumers;

/// <summary>
/// Page migration copying the poisoned page (folio_mc_copy): automatic NUMA balancing moving a page to the node of
/// the task that touches it, or kcompactd compacting the range the page lies in.
/// </summary>
public sealed class Migration : MachineConsumer
{
    /// <inheritdoc />
    public override string Id => "migration";

    /// <inheritdoc />
    public override string Summary => "migration copies the page: NUMA balancing or kcompactd";

    /// <inheritdoc />
    public override IReadOnlyList<string> Placements => ["numa", "compaction"];

    /// <inheritdoc />
    public override MachineConfig Config(string placement) => base.Config(placement) with { MemoryBytes = 512UL << 20, Nodes = 2 };

    /// <inheritdoc />
    public override void Consume(ScenarioContext context, string placement)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("postgres");
        var vma = AnonPages(machine, task, 3);
        var page = PageAt(machine, task, vma.Start + PhysicalMemory.PageSize);
        context.PoisonLine(page, PoisonOffset);
        if (placement == "numa")
        {
            NumaBalancing.DoNumaPage(machine, task, vma.Start + PhysicalMemory.PageSize, 1);
            return;
        }

        var pfns = Enumerable.Range(0, 3).Select(i => PageAt(machine, task, vma.Start + ((ulong)i << PhysicalMemory.PageShift)).Pfn).ToArray();
        var result = Compaction.CompactZone(machine, machine.Allocator.Zones[0], pfns.Min(), pfns.Max() + 1);
        context.Result = $"isolated {result.Isolated}, migrated {result.Migrated}, failed {result.Failed}";
    }
}
