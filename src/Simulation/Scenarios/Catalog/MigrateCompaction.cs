using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// migrate-compaction: kcompactd compacts a range holding a process's three dirty anonymous pages, the middle one
/// with a line of latent poison: compact_zone -> migrate_pages -> folio_mc_copy (kernel-paths.md 6). With copy_mc
/// the poisoned page fails to migrate (-EHWPOISON, permanent), is put back and compaction goes on: the other two
/// move; nothing is signalled; memory_failure_queue(pfn, 0), and the queued memory_failure unmaps the page (late
/// kill): "dirty LRU page" Recovered. Without copy_mc kcompactd consumes the poison in kernel mode and dies.
/// </summary>
public sealed class MigrateCompaction : Scenario
{
    /// <inheritdoc />
    public override string Id => "migrate-compaction";

    /// <inheritdoc />
    public override string Summary => "compaction migrates a range with a poisoned anonymous page: that page is put back, the others move, no signal";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("compact");
        var vma = task.Mm!.Mmap(3 * (ulong)PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, Enumerable.Repeat((byte)0x3c, 3 * PhysicalMemory.PageSize).ToArray());
        var pfns = Enumerable.Range(0, 3).Select(i => task.Mm.PageTable.Walk(vma.Start + ((ulong)i * PhysicalMemory.PageSize)).Entry.Pfn).ToArray();
        context.Set("pfns", pfns);
        context.Set("page", machine.Memory.PfnToPage(pfns[1]));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"));

    /// <inheritdoc />
    public override void Act(ScenarioContext context)
    {
        var machine = context.Machine;
        var pfns = context.Get<ulong[]>("pfns");
        var result = Compaction.CompactZone(machine, machine.Allocator.ZoneOf(pfns[0]), pfns.Min(), pfns.Max() + 1);
        context.Result = string.Create(CultureInfo.InvariantCulture, $"migrated {result.Migrated} of {result.Isolated}");
    }

    /// <inheritdoc />
    public override Expectation Expect(string profile) => !ProfileFacts.HasCopyMc(profile)
        ? ProfileFacts.KernelConsumption(profile)
        : Expectation.Survives() with
        {
            Result = "migrated 2 of 3",
            Signals = [],
            Queued = ProfileFacts.QueuedAfterCopyFailure(profile, 1),
            MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
        };
}
