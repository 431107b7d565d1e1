using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// The error_states[] handlers (me_* in mm/memory-failure.c): what is done to a poisoned page of each state, and
/// the result. They run after the page has been unmapped (hwpoison_user_mappings).
/// </summary>
internal sealed class PageStateHandlers(MemoryFailureHandler mf)
{
    private Machine Machine => mf.Machine;

    /// <summary>me_kernel(): a kernel page; nothing can be done.</summary>
    [KernelSymbol("mm/memory-failure.c", "me_kernel")]
    public MfResult MeKernel(PageState ps, Page p) => MfResult.Ignored;

    /// <summary>me_unknown(): a page in no known state.</summary>
    [KernelSymbol("mm/memory-failure.c", "me_unknown")]
    public MfResult MeUnknown(PageState ps, Page p)
    {
        mf.Err(Printf.HashLx(p.Pfn) + ": Unknown page state");
        return MfResult.Ignored;
    }

    /// <summary>
    /// me_pagecache_clean(): off the LRU; an anonymous page is then recovered (it is already unmapped); a file page
    /// is truncated from its page cache (the next access reads the backing store again).
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "me_pagecache_clean")]
    public MfResult MePagecacheClean(PageState ps, Page p)
    {
        var folio = p.Folio;
        DeleteFromLruCache(folio);
        if (folio.IsAnon)
        {
            return MfResult.Recovered;
        }

        if (folio.Mapping is not AddressSpace mapping)
        {
            return MfResult.Failed;
        }

        var extraPins = mapping.Host.Kind == InodeKind.Shmem;
        var ret = TruncateErrorFolio(folio, p.Pfn, mapping);
        return HasExtraRefcount(ps, p, extraPins) ? MfResult.Failed : ret;
    }

    /// <summary>me_pagecache_dirty(): records -EIO on the mapping (the next fsync/msync reports it), then as clean.</summary>
    [KernelSymbol("mm/memory-failure.c", "me_pagecache_dirty")]
    public MfResult MePagecacheDirty(PageState ps, Page p)
    {
        if (p.Folio.Mapping is AddressSpace mapping)
        {
            mapping.SetError(-Errno.EIO);
        }

        return MePagecacheClean(ps, p);
    }

    /// <summary>
    /// me_swapcache_dirty(): the page stays in the swap cache, clean and not up to date, so a later swap-in finds it
    /// poisoned and kills the faulting task: Delayed.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "me_swapcache_dirty")]
    public MfResult MeSwapcacheDirty(PageState ps, Page p)
    {
        var folio = p.Folio;
        folio.Clear(PageFlags.Dirty | PageFlags.Uptodate);
        var ret = DeleteFromLruCache(folio) != 0 ? MfResult.Failed : MfResult.Delayed;
        return HasExtraRefcount(ps, p, ret == MfResult.Delayed) ? MfResult.Failed : ret;
    }

    /// <summary>me_swapcache_clean(): out of the swap cache (the swap slot still holds good data): Recovered.</summary>
    [KernelSymbol("mm/memory-failure.c", "me_swapcache_clean")]
    public MfResult MeSwapcacheClean(PageState ps, Page p)
    {
        var folio = p.Folio;
        SwapCacheDelFolio(folio);
        var ret = DeleteFromLruCache(folio) != 0 ? MfResult.Failed : MfResult.Recovered;
        return HasExtraRefcount(ps, p, false) ? MfResult.Failed : ret;
    }

    /// <summary>
    /// me_huge_page(): a hugetlbfs page is kept in its page cache (reads stop at the poisoned page); an anonymous
    /// huge page is freed, which dissolves it: its clean pages go back to the buddy allocator, the raw poisoned
    /// page stays out.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "me_huge_page")]
    public MfResult MeHugePage(PageState ps, Page p)
    {
        var folio = p.Folio;
        MfResult res;
        var extraPins = false;
        if (folio.Mapping is AddressSpace mapping)
        {
            res = TruncateErrorFolio(folio, p.Pfn, mapping);
            extraPins = true;
        }
        else
        {
            Machine.PutFolio(folio);
            if (mf.PageHandlePoisonCore(p) > 0)
            {
                p.RefCount++;
                res = MfResult.Recovered;
            }
            else
            {
                res = MfResult.Failed;
            }
        }

        return HasExtraRefcount(ps, p, extraPins) ? MfResult.Failed : res;
    }

    /// <summary>delete_from_lru_cache(): isolate from the LRU, clearing PG_active and PG_unevictable; -EIO when not on it.</summary>
    [KernelSymbol("mm/memory-failure.c", "delete_from_lru_cache")]
    private static int DeleteFromLruCache(Folio folio)
    {
        if (!folio.Test(PageFlags.Lru))
        {
            return -Errno.EIO;
        }

        folio.Clear(PageFlags.Lru | PageFlags.Active | PageFlags.Unevictable);
        return 0;
    }

    /// <summary>swap_cache_del_folio(): out of the swap cache, dropping the cache's references.</summary>
    [KernelSymbol("mm/swap_state.c", "swap_cache_del_folio")]
    private void SwapCacheDelFolio(Folio folio)
    {
        folio.Clear(PageFlags.Swapcache);
        folio.Head.SwapOffset = 0;
        for (ulong i = 0; i < folio.NrPages; i++)
        {
            Machine.PutFolio(folio);
        }
    }

    /// <summary>
    /// truncate_error_folio(): the filesystem's error_remove_folio. A regular file (generic_error_remove_folio)
    /// truncates the folio out of its page cache; shmem and hugetlbfs keep it there, poisoned (shmem: Recovered in
    /// v6.17, Delayed in mm-next). Without the operation the folio is invalidated if it can be.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "truncate_error_folio")]
    private MfResult TruncateErrorFolio(Folio folio, ulong pfn, AddressSpace mapping)
    {
        switch (mapping.Host.Kind)
        {
            case InodeKind.Regular:
                Machine.Filemap.RemoveFromPageCache(folio);
                return MfResult.Recovered;
            case InodeKind.Shmem:
                return mf.Options.ShmemErrorResult;
            case InodeKind.Hugetlbfs:
                return MfResult.Recovered;
            default:
                if (!folio.Test(PageFlags.Dirty) && folio.RefCount <= (int)folio.NrPages + 1)
                {
                    Machine.Filemap.RemoveFromPageCache(folio);
                    return MfResult.Recovered;
                }

                mf.Info(Printf.HashLx(pfn) + ": Failed to invalidate");
                return MfResult.Failed;
        }
    }

    /// <summary>has_extra_refcount(): someone besides memory_failure (and the page cache, when expected) still holds the page.</summary>
    [KernelSymbol("mm/memory-failure.c", "has_extra_refcount")]
    private bool HasExtraRefcount(PageState ps, Page p, bool extraPins)
    {
        var folio = p.Folio;
        var count = folio.RefCount - 1 - (extraPins ? (int)folio.NrPages : 0);
        if (count <= 0)
        {
            return false;
        }

        mf.Err(string.Create(CultureInfo.InvariantCulture,
            $"{Printf.HashLx(p.Pfn)}: {ActionPageTypes.Name(ps.Type, mf.Options)} still referenced by {count} users"));
        return true;
    }
}
