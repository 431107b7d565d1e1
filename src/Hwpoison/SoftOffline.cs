using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// soft_offline_page() (mm/memory-failure.c, pr_fmt "Soft offline: "): take a page that is still good but
/// suspect out of use without losing anything: a free page is taken off the buddy lists, a clean unmapped
/// page-cache page is dropped, anything else is migrated to a new frame by the mm's migrate_pages()
/// (MR_MEMORY_FAILURE: contents copied with folio_mc_copy(), every mapping and the cache switched over) and the old
/// frame is marked poisoned. It never kills; it fails with -EBUSY instead, also when the copy consumes poison.
/// </summary>
internal sealed class SoftOffline(MemoryFailureHandler mf)
{
    private bool _disabledLogged;

    private Machine Machine => mf.Machine;

    /// <summary>soft_offline_page(): 0 on success, -ENXIO (no such frame), -EOPNOTSUPP (disabled or filtered), -EBUSY, -EIO.</summary>
    [KernelSymbol("mm/memory-failure.c", "soft_offline_page")]
    public int SoftOfflinePage(ulong pfn, MfFlags flags)
    {
        using (Machine.Tracer.Enter("soft_offline_page"))
        {
            if (!Machine.Memory.PfnValid(pfn))
            {
                return -Errno.ENXIO;
            }

            var page = Machine.Memory.PfnToPage(pfn);
            if (!Machine.Sysctl.EnableSoftOffline)
            {
                if (!_disabledLogged)
                {
                    _disabledLogged = true;
                    Info("disabled by /proc/sys/vm/enable_soft_offline");
                }

                PutRefPage(page, flags);
                return -Errno.EOPNOTSUPP;
            }

            if (page.IsHwpoison)
            {
                Info(Printf.HashLx(pfn) + ": page already poisoned");
                PutRefPage(page, flags);
                return mf.Options.SoftOfflineAlreadyPoisonedErrno;
            }

            var tryAgain = true;
            while (true)
            {
                var ret = mf.GetHwpoisonPage(page, flags | MfFlags.SoftOffline);
                if (mf.Filter.Filter(page) != 0)
                {
                    if (ret > 0)
                    {
                        mf.PutPage(page);
                    }

                    return -Errno.EOPNOTSUPP;
                }

                if (ret > 0)
                {
                    return SoftOfflineInUsePage(page);
                }

                if (ret == 0 && !mf.PageHandlePoison(page, hugepageOrFreepage: true, release: false))
                {
                    if (tryAgain)
                    {
                        tryAgain = false;
                        flags &= ~MfFlags.CountIncreased;
                        continue;
                    }

                    return -Errno.EBUSY;
                }

                return ret;
            }
        }
    }

    /// <summary>
    /// soft_offline_in_use_page(): split a THP (or fail "thp split failed"), drop a clean unmapped page-cache page
    /// ("invalidated"), otherwise isolate and migrate ("migration failed" / "isolation failed" and -EBUSY when
    /// it cannot), then poison the old frame.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "soft_offline_in_use_page")]
    private int SoftOfflineInUsePage(Page page)
    {
        var pfn = page.Pfn;
        var folio = page.Folio;
        var huge = folio.IsHugetlb;
        var what = huge ? "hugepage" : "page";
        if (!huge && folio.IsLarge)
        {
            if (mf.Thp.TryToSplitThpPage(page) != 0)
            {
                mf.PutPage(page);
                Info(Printf.HashLx(pfn) + ": thp split failed");
                return -Errno.EBUSY;
            }

            folio = page.Folio;
        }

        if (page.IsHwpoison)
        {
            Machine.PutFolio(folio);
            Info(Printf.HashLx(pfn) + ": page already poisoned");
            return 0;
        }

        if (!huge && folio.Test(PageFlags.Lru) && !folio.Test(PageFlags.Swapcache) && MappingEvictFolio(folio))
        {
            Info(Printf.HashLx(pfn) + ": invalidated");
            mf.PageHandlePoison(page, hugepageOrFreepage: false, release: true);
            return 0;
        }

        var pagelist = new List<Folio>();
        var isolated = IsolateFolioToList(folio, pagelist);

        // An isolated folio holds a reference of its own: the one get_hwpoison_page() took goes either way.
        Machine.PutFolio(folio);
        if (!isolated)
        {
            Info(string.Create(CultureInfo.InvariantCulture,
                $"{Printf.HashLx(pfn)}: {what} isolation failed, page count {folio.RefCount}, type {PageFlagsFormat.Pgp(page.Flags)}"));
            return -Errno.EBUSY;
        }

        // alloc_migration_target() with NUMA_NO_NODE: a page on the source's node.
        var ret = Migrate.MigratePages(Machine, pagelist, src => Migrate.AllocMigrationTarget(Machine, src, src.Head.Nid), MigrateMode.Sync,
            MigrateReason.MemoryFailure, out _);
        if (ret == 0)
        {
            return mf.PageHandlePoison(page, hugepageOrFreepage: huge, release: !huge) ? 0 : -Errno.EBUSY;
        }

        if (pagelist.Count > 0)
        {
            Migrate.PutbackMovablePages(Machine, pagelist);
        }

        Info(string.Create(CultureInfo.InvariantCulture,
            $"{Printf.HashLx(pfn)}: {what} migration failed {ret}, type {PageFlagsFormat.Pgp(page.Flags)}"));
        return ret > 0 ? -Errno.EBUSY : ret;
    }

    /// <summary>
    /// mapping_evict_folio(): a clean, unmapped page-cache folio nobody else holds leaves the cache (the file's data
    /// is on disk); true when it did.
    /// </summary>
    [KernelSymbol("mm/truncate.c", "mapping_evict_folio")]
    private bool MappingEvictFolio(Folio folio)
    {
        if (folio.Mapping is not AddressSpace || folio.Test(PageFlags.Dirty) || folio.Test(PageFlags.Writeback) ||
            folio.RefCount > (int)folio.NrPages + 1 || folio.MapCount > 0)
        {
            return false;
        }

        Machine.Filemap.RemoveFromPageCache(folio);
        return true;
    }

    /// <summary>isolate_folio_to_list(): the mm's isolation (LRU or hugetlb), the folio then on <paramref name="list"/>.</summary>
    [KernelSymbol("mm/migrate.c", "isolate_folio_to_list")]
    private static bool IsolateFolioToList(Folio folio, List<Folio> list)
    {
        if (!Migrate.IsolateFolio(folio))
        {
            return false;
        }

        list.Add(folio);
        return true;
    }

    // put_ref_page(): drop the reference an MF_COUNT_INCREASED caller took.
    [KernelSymbol("mm/memory-failure.c", "put_ref_page")]
    private void PutRefPage(Page page, MfFlags flags)
    {
        if ((flags & MfFlags.CountIncreased) != 0)
        {
            mf.PutPage(page);
        }
    }

    private void Info(string text) => Machine.Log.Info("Soft offline: " + text);
}
