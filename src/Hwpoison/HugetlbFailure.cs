using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// memory_failure() on a hugetlb page (try_memory_failure_hugetlb and its helpers in mm/memory-failure.c and
/// mm/hugetlb.c). The raw poisoned 4 KiB page is remembered as the folio's raw_hwp list does: here the raw page
/// carries PG_hwpoison and the head PG_has_hwpoisoned, so that freeing the huge page dissolves it and only the
/// raw page stays out of use (HugetlbPool.FreeHugetlbFolio).
/// </summary>
internal sealed class HugetlbFailure(MemoryFailureHandler mf)
{
    /// <summary>The classification of get_huge_page_for_hwpoison() (MF_HUGETLB_*).</summary>
    private enum HugetlbState
    {
        Freed,
        InUsed,
        FolioPrePoisoned = 3,
        PagePrePoisoned = 4,
    }

    /// <summary>get_hwpoison_hugetlb_folio(): 1 and a reference for an in-use huge page, 0 for a free one.</summary>
    [KernelSymbol("mm/hugetlb.c", "get_hwpoison_hugetlb_folio")]
    public static int GetHwpoisonHugetlbFolio(Folio folio)
    {
        if (folio.RefCount == 0)
        {
            return 0;
        }

        folio.Head.RefCount++;
        return 1;
    }

    /// <summary>
    /// try_memory_failure_hugetlb(): classify (free, in use, already poisoned), record the raw page, then dissolve a
    /// free huge page ("free huge page") or unmap and handle an in-use one ("huge page", lsb = huge page shift).
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "try_memory_failure_hugetlb")]
    public int TryMemoryFailureHugetlb(ulong pfn, MfFlags flags)
    {
        var p = mf.Machine.Memory.PfnToPage(pfn);
        var folio = p.Folio;
        var state = GetHugePageForHwpoison(folio, p, flags, out var countIncreased);
        if (state is HugetlbState.FolioPrePoisoned or HugetlbState.PagePrePoisoned)
        {
            if (countIncreased)
            {
                mf.Machine.PutFolio(folio);
            }

            var rv = -Errno.EHWPOISON;
            if ((flags & MfFlags.ActionRequired) != 0)
            {
                rv = mf.Killer.KillAccessingProcess(mf.Current, pfn, flags);
            }

            mf.ActionResult(pfn, state == HugetlbState.PagePrePoisoned ? ActionPageType.AlreadyPoisoned : ActionPageType.Huge, MfResult.Failed);
            return rv;
        }

        if (mf.Filter.Filter(p) != 0)
        {
            ClearHugetlbHwpoison(folio, p);
            if (state == HugetlbState.InUsed)
            {
                mf.Machine.PutFolio(folio);
            }

            return -Errno.EOPNOTSUPP;
        }

        if (state == HugetlbState.Freed)
        {
            if (mf.PageHandlePoisonCore(p) > 0)
            {
                p.RefCount++;
                return mf.ActionResult(pfn, ActionPageType.FreeHuge, MfResult.Recovered);
            }

            return mf.ActionResult(pfn, ActionPageType.FreeHuge, MfResult.Failed);
        }

        var pageFlags = folio.Flags;
        if (!mf.HwpoisonUserMappings(folio, p, pfn, flags))
        {
            return mf.ActionResult(pfn, ActionPageType.UnmapFailed, MfResult.Failed);
        }

        return mf.IdentifyPageState(pfn, p, pageFlags);
    }

    /// <summary>__get_huge_page_for_hwpoison(): free or in use (referenced), then hugetlb_update_hwpoison().</summary>
    [KernelSymbol("mm/memory-failure.c", "__get_huge_page_for_hwpoison")]
    private static HugetlbState GetHugePageForHwpoison(Folio folio, Page p, MfFlags flags, out bool countIncreased)
    {
        HugetlbState state;
        countIncreased = false;
        if ((flags & MfFlags.CountIncreased) != 0)
        {
            state = HugetlbState.InUsed;
            countIncreased = true;
        }
        else if (folio.RefCount == 0)
        {
            state = HugetlbState.Freed;
        }
        else
        {
            folio.Head.RefCount++;
            state = HugetlbState.InUsed;
            countIncreased = true;
        }

        var rc = HugetlbUpdateHwpoison(folio, p);
        return rc ?? state;
    }

    /// <summary>
    /// hugetlb_update_hwpoison(): mark the folio poisoned and record the raw page; the folio was already poisoned
    /// (another raw page) or this very page was.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "hugetlb_update_hwpoison")]
    private static HugetlbState? HugetlbUpdateHwpoison(Folio folio, Page p)
    {
        var folioPrePoisoned = folio.Test(PageFlags.HasHwpoisoned);
        folio.Set(PageFlags.HasHwpoisoned);
        if (p.IsHwpoison)
        {
            return HugetlbState.PagePrePoisoned;
        }

        p.Set(PageFlags.Hwpoison);
        return folioPrePoisoned ? HugetlbState.FolioPrePoisoned : null;
    }

    /// <summary>folio_clear_hugetlb_hwpoison() after the filter said no: forget the raw page, and the folio mark if it was the only one.</summary>
    [KernelSymbol("mm/memory-failure.c", "folio_clear_hugetlb_hwpoison")]
    private void ClearHugetlbHwpoison(Folio folio, Page p)
    {
        p.Clear(PageFlags.Hwpoison);
        for (ulong i = 0; i < folio.NrPages; i++)
        {
            if (mf.Machine.Memory.PeekPage(folio.Pfn + i)?.IsHwpoison ?? false)
            {
                return;
            }
        }

        folio.Clear(PageFlags.HasHwpoisoned);
    }
}
