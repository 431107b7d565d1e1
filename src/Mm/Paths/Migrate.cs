namespace KernelModel.Mm;

/// <summary>
/// Page migration (mm/migrate.c). The source's mappings become migration entries, the data is copied with
/// folio_mc_copy() before the mapping (page cache, swap cache or anon_vma) is switched to the destination, and
/// the entries are then pointed at the destination. A copy that consumes poison returns -EHWPOISON while nothing
/// has been switched yet: the entries are restored to the source, the destination is freed, and the failure is
/// permanent (not retried). Callers put the failed folios back (putback_movable_pages).
/// </summary>
public static class Migrate
{
    /// <summary>NR_MAX_MIGRATE_PAGES_RETRY: passes over folios that returned -EAGAIN.</summary>
    public const int NrMaxMigratePagesRetry = 10;

    /// <summary>
    /// folio_isolate_lru() / isolate_hugetlb(): takes the folio off the LRU (or the hugetlb active list) with a
    /// reference, for migration. False when it is not on the LRU.
    /// </summary>
    [KernelSymbol("mm/vmscan.c", "folio_isolate_lru")]
    [KernelSymbol("mm/hugetlb.c", "isolate_hugetlb")]
    public static bool IsolateFolio(Folio folio)
    {
        if (folio.IsHugetlb)
        {
            if (folio.RefCount == 0)
            {
                return false;
            }

            folio.Head.RefCount++;
            return true;
        }

        if (!folio.Test(PageFlags.Lru))
        {
            return false;
        }

        folio.Clear(PageFlags.Lru);
        folio.Head.RefCount++;
        return true;
    }

    /// <summary>putback_movable_pages(): every folio on the list goes back on the LRU (or hugetlb list) and loses the isolation reference.</summary>
    [KernelSymbol("mm/migrate.c", "putback_movable_pages")]
    public static void PutbackMovablePages(Machine machine, List<Folio> folios)
    {
        using (machine.Tracer.Enter("putback_movable_pages"))
        {
            foreach (var folio in folios)
            {
                if (!folio.IsHugetlb)
                {
                    Rmap.FolioAddLru(folio);
                }

                machine.PutFolio(folio);
            }

            folios.Clear();
        }
    }

    /// <summary>
    /// alloc_migration_target(): a destination folio of the same size on <paramref name="nid"/> (falling back to the
    /// other nodes), or a huge page from the pool for a hugetlb folio. The kernel falls back further for a
    /// non-gigantic huge page, to a temporary surplus page from the buddy allocator (alloc_migrate_hugetlb_folio);
    /// the model does not have surplus pages, so an empty pool fails the allocation as that fallback failing would.
    /// </summary>
    [KernelSymbol("mm/migrate.c", "alloc_migration_target")]
    public static Folio? AllocMigrationTarget(Machine machine, Folio src, int nid) =>
        src.IsHugetlb
            ? machine.Hugetlb.Hstates.FirstOrDefault(h => h.Order == src.Order) is { } h ? machine.Hugetlb.AllocHugetlbFolio(h) : null
            : machine.Allocator.AllocFolio(src.Order, nid);

    /// <summary>
    /// migrate_pages(): migrates every isolated folio on <paramref name="from"/> to a folio from
    /// <paramref name="getNewFolio"/>. Migrated folios leave the list; the ones that failed stay on it for the
    /// caller to put back. Returns the number that failed (0 when all moved), or -ENOMEM when no destination could
    /// be allocated (the rest then stay on the list untried). A migrated folio's isolation reference is dropped,
    /// except for <see cref="MigrateReason.MemoryFailure"/>: soft offline keeps the old small folio referenced until
    /// page_handle_poison() has marked it (migrate_folio_done).
    /// </summary>
    [KernelSymbol("mm/migrate.c", "migrate_pages")]
    public static int MigratePages(Machine machine, List<Folio> from, Func<Folio, Folio?> getNewFolio, MigrateMode mode, MigrateReason reason,
        out int nrSucceeded)
    {
        using (machine.Tracer.Enter("migrate_pages"))
        {
            nrSucceeded = 0;
            var nrFailed = 0;
            foreach (var folio in from.ToList())
            {
                var rc = -Errno.EAGAIN;
                for (var pass = 0; pass < NrMaxMigratePagesRetry && rc == -Errno.EAGAIN; pass++)
                {
                    rc = folio.IsHugetlb ? UnmapAndMoveHugePage(machine, folio, getNewFolio, reason) : MigrateFolioUnmapAndMove(machine, folio, getNewFolio, reason);
                }

                if (rc == 0)
                {
                    nrSucceeded++;
                    from.Remove(folio);
                }
                else if (rc == -Errno.ENOMEM)
                {
                    return -Errno.ENOMEM;
                }
                else
                {
                    nrFailed++;
                }
            }

            machine.Tracer.Note($"mm_migrate_pages: succeeded={nrSucceeded} failed={nrFailed} mode={mode} reason={reason}");
            return nrFailed;
        }
    }

    /// <summary>migrate_folio_unmap() then migrate_folio_move() for one small or THP folio.</summary>
    [KernelSymbol("mm/migrate.c", "migrate_folio_unmap")]
    [KernelSymbol("mm/migrate.c", "migrate_folio_move")]
    private static int MigrateFolioUnmapAndMove(Machine machine, Folio src, Func<Folio, Folio?> getNewFolio, MigrateReason reason)
    {
        if (src.RefCount == 1)
        {
            // Freed from under us: only the isolation reference is left, and dropping it completes the "migration".
            MigrateFolioDone(machine, src, reason);
            return 0;
        }

        if (getNewFolio(src) is not { } dst)
        {
            return -Errno.ENOMEM;
        }

        return UnmapAndMove(machine, src, dst, reason);
    }

    /// <summary>migrate_folio_done(): the isolation reference of a migrated folio goes, unless soft offline still needs the page.</summary>
    [KernelSymbol("mm/migrate.c", "migrate_folio_done")]
    private static void MigrateFolioDone(Machine machine, Folio src, MigrateReason reason)
    {
        if (reason != MigrateReason.MemoryFailure)
        {
            machine.PutFolio(src);
        }
    }

    /// <summary>unmap_and_move_huge_page(): the same for a hugetlb folio.</summary>
    [KernelSymbol("mm/migrate.c", "unmap_and_move_huge_page")]
    private static int UnmapAndMoveHugePage(Machine machine, Folio src, Func<Folio, Folio?> getNewFolio, MigrateReason reason)
    {
        using (machine.Tracer.Enter("unmap_and_move_huge_page"))
        {
            if (getNewFolio(src) is not { } dst)
            {
                return -Errno.ENOMEM;
            }

            return UnmapAndMove(machine, src, dst, reason);
        }
    }

    // The unmap / move / undo sequence both kinds share. A hugetlb source always loses its isolation reference
    // (folio_putback_hugetlb), a small one as migrate_folio_done() says.
    private static int UnmapAndMove(Machine machine, Folio src, Folio dst, MigrateReason reason)
    {
        var pageWasMapped = src.MapCount > 0;
        using (machine.Tracer.Enter("migrate_folio_unmap"))
        {
            src.Set(PageFlags.Locked);
            dst.Set(PageFlags.Locked);
            if (pageWasMapped)
            {
                Rmap.TryToMigrate(machine, src);
            }
        }

        int rc;
        using (machine.Tracer.Enter("migrate_folio_move"))
        {
            rc = MoveToNewFolio(machine, dst, src);
            if (rc == 0)
            {
                if (!dst.IsHugetlb)
                {
                    Rmap.FolioAddLru(dst);
                }

                if (pageWasMapped)
                {
                    Rmap.RemoveMigrationPtes(machine, src, dst);
                }

                dst.Clear(PageFlags.Locked);
                machine.PutFolio(dst);
                src.Clear(PageFlags.Locked);
                if (src.IsHugetlb)
                {
                    machine.PutFolio(src);
                }
                else
                {
                    MigrateFolioDone(machine, src, reason);
                }

                return 0;
            }
        }

        using (machine.Tracer.Enter("migrate_folio_undo_src"))
        {
            if (pageWasMapped)
            {
                Rmap.RemoveMigrationPtes(machine, src, src);
            }

            src.Clear(PageFlags.Locked);
        }

        using (machine.Tracer.Enter("migrate_folio_undo_dst"))
        {
            dst.Clear(PageFlags.Locked);
            machine.PutFolio(dst);
        }

        machine.Tracer.Note("migrate: " + Errno.Name(rc) + " is a permanent failure");
        return rc;
    }

    /// <summary>move_to_new_folio(): the mapping's migrate_folio operation.</summary>
    [KernelSymbol("mm/migrate.c", "move_to_new_folio")]
    private static int MoveToNewFolio(Machine machine, Folio dst, Folio src)
    {
        using (machine.Tracer.Enter("move_to_new_folio"))
        {
            var op = src.Mapping is AddressSpace ? (src.IsHugetlb ? "hugetlbfs_migrate_folio" : "filemap_migrate_folio") : "migrate_folio";
            using (machine.Tracer.Enter(op))
            {
                return MigrateFolio(machine, dst, src);
            }
        }
    }

    /// <summary>
    /// __migrate_folio() (also the body of filemap_migrate_folio and, via migrate_huge_page_move_mapping,
    /// hugetlbfs_migrate_folio): -EAGAIN while something beyond the expected references holds the source, else
    /// folio_mc_copy() first, and only if it succeeded the mapping and the flags move to the destination.
    /// </summary>
    [KernelSymbol("mm/migrate.c", "__migrate_folio")]
    [KernelSymbol("mm/migrate.c", "migrate_huge_page_move_mapping")]
    private static int MigrateFolio(Machine machine, Folio dst, Folio src)
    {
        using (machine.Tracer.Enter("__migrate_folio"))
        {
            var expected = 1 + (src.Mapping is AddressSpace ? 1 : 0) + (src.Test(PageFlags.Swapcache) ? 1 : 0);
            if (src.RefCount != expected)
            {
                return -Errno.EAGAIN;
            }

            var rc = MmUtil.FolioMcCopy(machine, dst, src);
            if (rc != 0)
            {
                return rc;
            }

            FolioMigrateMapping(machine, dst, src);
            FolioMigrateFlags(machine, dst, src);
            return 0;
        }
    }

    /// <summary>
    /// folio_migrate_mapping(): the destination takes the source's mapping and index, and its page-cache or
    /// swap-cache slot together with that cache's reference.
    /// </summary>
    [KernelSymbol("mm/migrate.c", "folio_migrate_mapping")]
    private static void FolioMigrateMapping(Machine machine, Folio dst, Folio src)
    {
        using (machine.Tracer.Enter("folio_migrate_mapping"))
        {
            dst.Head.Mapping = src.Mapping;
            dst.Head.Index = src.Index;
            if (src.Mapping is AddressSpace space)
            {
                space.Pages[src.Index] = dst;
                dst.Head.RefCount++;
                src.Head.RefCount--;
            }

            if (src.Test(PageFlags.Swapcache))
            {
                machine.Mm.SwapCache.Replace(src, dst);
            }
        }
    }

    /// <summary>folio_migrate_flags(): the page state and each page's PageAnonExclusive move to the destination.</summary>
    [KernelSymbol("mm/migrate.c", "folio_migrate_flags")]
    private static void FolioMigrateFlags(Machine machine, Folio dst, Folio src)
    {
        using (machine.Tracer.Enter("folio_migrate_flags"))
        {
            const PageFlags moved = PageFlags.Uptodate | PageFlags.Dirty | PageFlags.Referenced | PageFlags.Active | PageFlags.Swapbacked |
                PageFlags.Workingset | PageFlags.Unevictable | PageFlags.Mlocked | PageFlags.MteTagged;
            dst.Set(src.Flags & moved);
            for (ulong i = 0; i < src.NrPages; i++)
            {
                var from = src.PageAt(machine.Memory, i);
                if (from.Test(PageFlags.AnonExclusive))
                {
                    dst.PageAt(machine.Memory, i).Set(PageFlags.AnonExclusive);
                    from.Clear(PageFlags.AnonExclusive);
                }
            }
        }
    }
}
