namespace KernelModel.Mm;

/// <summary>
/// move_pages(2) with nodes (mm/migrate.c do_pages_move): pages are queued per run of the same target node and
/// migrated with MIGRATE_SYNC, MR_SYSCALL. When migrate_pages() leaves pages behind (a copy that consumed poison
/// is a permanent failure) the call returns the positive number of pages not migrated, and the status entries of
/// that batch are not written.
/// </summary>
public static class MovePages
{
    /// <summary>
    /// kernel_move_pages(pid's mm, nr_pages, pages, nodes, status, MPOL_MF_MOVE): 0 when every page was handled
    /// (status holds each page's node or a negative errno), a positive count of pages not migrated, or a negative
    /// errno. Runs in <paramref name="task"/>'s kernel context.
    /// </summary>
    [KernelSymbol("mm/migrate.c", "do_pages_move")]
    public static long KernelMovePages(Machine machine, TaskStruct task, ulong[] pages, int[] nodes, int[] status)
    {
        if (nodes.Length != pages.Length || status.Length != pages.Length)
        {
            throw new ArgumentException($"pages ({pages.Length}), nodes ({nodes.Length}) and status ({status.Length}) must have one entry each");
        }

        var mm = task.Mm ?? throw new ArgumentException($"{task} has no mm", nameof(task));
        using (machine.CurrentCpu.Enter(task, CpuMode.Kernel))
        using (machine.Tracer.Enter("do_pages_move"))
        {
            var nrPages = pages.Length;
            var pagelist = new List<Folio>();
            var currentNode = -1;
            var start = 0;
            long err = 0;
            int i;
            for (i = 0; i < nrPages; i++)
            {
                var node = nodes[i];
                if (node < 0 || node >= machine.Memory.Nodes.Count)
                {
                    err = -Errno.ENODEV;
                    break;
                }

                if (currentNode == -1)
                {
                    currentNode = node;
                    start = i;
                }
                else if (node != currentNode)
                {
                    err = MovePagesAndStoreStatus(machine, currentNode, pagelist, status, start, i, nrPages);
                    if (err != 0)
                    {
                        return err;
                    }

                    start = i;
                    currentNode = node;
                }

                var queued = AddPageForMigration(machine, mm, pages[i], currentNode, pagelist);
                if (queued > 0)
                {
                    continue;
                }

                status[i] = queued == 0 ? currentNode : queued;
                err = MovePagesAndStoreStatus(machine, currentNode, pagelist, status, start, i, nrPages);
                if (err != 0)
                {
                    // Page i has been accounted for already.
                    return err > 0 ? err - 1 : err;
                }

                currentNode = -1;
            }

            var err1 = MovePagesAndStoreStatus(machine, currentNode, pagelist, status, start, i, nrPages);
            return err >= 0 ? err1 : err;
        }
    }

    /// <summary>
    /// add_page_for_migration(): 1 when the page was isolated and queued, 0 when it is already on the node, or a
    /// negative errno (-EFAULT outside any VMA or for the zero page, -ENOENT when nothing is mapped, -EACCES for a
    /// page other processes map too, -EBUSY when it cannot be isolated).
    /// </summary>
    [KernelSymbol("mm/migrate.c", "add_page_for_migration")]
    private static int AddPageForMigration(Machine machine, MmStruct mm, ulong address, int node, List<Folio> pagelist)
    {
        using (machine.Tracer.Enter("add_page_for_migration"))
        {
            if (mm.FindVma(address) is null)
            {
                return -Errno.EFAULT;
            }

            var (pte, level) = mm.PageTable.Walk(address);
            if (!pte.IsPresent)
            {
                return -Errno.ENOENT;
            }

            if (Rmap.VmNormalPage(machine, pte) is not { } head)
            {
                return -Errno.EFAULT;
            }

            var folio = machine.Memory.PfnToPage(head.Pfn + ((address & ((1UL << (int)level) - 1)) >> PhysicalMemory.PageShift)).Folio;
            if (folio.Head.Nid == node)
            {
                return 0;
            }

            if (folio.MapCount > 1)
            {
                return -Errno.EACCES;
            }

            if (!Migrate.IsolateFolio(folio))
            {
                return -Errno.EBUSY;
            }

            pagelist.Add(folio);
            return 1;
        }
    }

    /// <summary>
    /// move_pages_and_store_status(): migrates the queued batch; on success every page of the batch gets the node
    /// as its status, otherwise the pages not migrated (plus the ones not yet tried) are returned and no status is
    /// written.
    /// </summary>
    [KernelSymbol("mm/migrate.c", "move_pages_and_store_status")]
    private static long MovePagesAndStoreStatus(Machine machine, int node, List<Folio> pagelist, int[] status, int start, int i, int nrPages)
    {
        using (machine.Tracer.Enter("move_pages_and_store_status"))
        {
            if (pagelist.Count == 0)
            {
                return 0;
            }

            long err = DoMovePagesToNode(machine, pagelist, node);
            if (err != 0)
            {
                return err > 0 ? err + nrPages - i : err;
            }

            for (var j = start; j < i; j++)
            {
                status[j] = node;
            }

            return 0;
        }
    }

    /// <summary>do_move_pages_to_node(): migrate_pages(MIGRATE_SYNC, MR_SYSCALL) to the node; what did not move is put back.</summary>
    [KernelSymbol("mm/migrate.c", "do_move_pages_to_node")]
    private static int DoMovePagesToNode(Machine machine, List<Folio> pagelist, int node)
    {
        using (machine.Tracer.Enter("do_move_pages_to_node"))
        {
            var err = Migrate.MigratePages(machine, pagelist, src => Migrate.AllocMigrationTarget(machine, src, node), MigrateMode.Sync,
                MigrateReason.Syscall, out _);
            if (err != 0)
            {
                Migrate.PutbackMovablePages(machine, pagelist);
            }

            return err;
        }
    }
}
