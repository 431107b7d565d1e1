namespace KernelModel.Mm;

/// <summary>
/// Automatic NUMA balancing: the hinting fault (mm/memory.c do_numa_page) that migrates a page to the node of the
/// task touching it (mm/migrate.c migrate_misplaced_folio). A failed migration (a copy that consumed poison
/// included) leaves the page where it was: the fault completes normally and nothing is signalled.
/// </summary>
public static class NumaBalancing
{
    /// <summary>
    /// do_numa_page() for <paramref name="task"/>'s access at <paramref name="address"/> while it runs on
    /// <paramref name="targetNid"/> (the PROT_NONE hinting protection itself is not modelled). Returns the fault's
    /// VM_FAULT result, which is 0 whether or not the page moved.
    /// </summary>
    [KernelSymbol("mm/memory.c", "do_numa_page")]
    public static VmFault DoNumaPage(Machine machine, TaskStruct task, ulong address, int targetNid)
    {
        var mm = task.Mm ?? throw new ArgumentException($"{task} has no mm", nameof(task));
        using (machine.CurrentCpu.Enter(task, CpuMode.Kernel))
        using (machine.Tracer.Enter("do_numa_page"))
        {
            var (pte, _) = mm.PageTable.Walk(address);
            if (Rmap.VmNormalPage(machine, pte) is not { } page || page.Folio.Head.Nid == targetNid)
            {
                return VmFault.None;
            }

            MigrateMisplacedFolio(machine, page.Folio, targetNid);
            return VmFault.None;
        }
    }

    /// <summary>
    /// migrate_misplaced_folio(): isolates the folio and migrates it (MIGRATE_ASYNC, MR_NUMA_MISPLACED) to a page on
    /// exactly <paramref name="node"/>; a folio that did not move is put back. 0, or -EAGAIN when it did not move.
    /// </summary>
    [KernelSymbol("mm/migrate.c", "migrate_misplaced_folio")]
    public static int MigrateMisplacedFolio(Machine machine, Folio folio, int node)
    {
        using (machine.Tracer.Enter("migrate_misplaced_folio"))
        {
            if (!Migrate.IsolateFolio(folio))
            {
                return -Errno.EAGAIN;
            }

            var list = new List<Folio> { folio };
            var nrRemaining = Migrate.MigratePages(machine, list, f => machine.Allocator.Zones[node].AllocFolio(f.Order), MigrateMode.Async,
                MigrateReason.NumaMisplaced, out _);
            if (list.Count > 0)
            {
                Migrate.PutbackMovablePages(machine, list);
            }

            return nrRemaining != 0 ? -Errno.EAGAIN : 0;
        }
    }
}
