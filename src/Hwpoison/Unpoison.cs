using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// unpoison_memory() (mm/memory-failure.c, pr_fmt "Unpoison: "): undo a poisoning that software injected, for
/// testing. It refuses for good once any real hardware failure was handled, and refuses pages someone still
/// holds, maps or caches; an unpoisoned page goes back to the buddy allocator. Messages are rate limited.
/// </summary>
internal sealed class Unpoison(MemoryFailureHandler mf)
{
    private Ratelimit? _ratelimit;

    private Machine Machine => mf.Machine;

    /// <summary>unpoison_memory(): 0 when the page was unpoisoned, else a negative errno.</summary>
    [KernelSymbol("mm/memory-failure.c", "unpoison_memory")]
    public int UnpoisonMemory(ulong pfn)
    {
        if (!Machine.Memory.PfnValid(pfn))
        {
            return mf.Options.UnpoisonRequiresOnlinePfn ? -Errno.EIO : -Errno.ENXIO;
        }

        var p = Machine.Memory.PfnToPage(pfn);
        var folio = p.Folio;
        var huge = false;
        var ret = -Errno.EBUSY;
        if (mf.HwMemoryFailure)
        {
            Say(pfn, "disabled after HW memory failure");
            return -Errno.EOPNOTSUPP;
        }

        if (!p.IsHwpoison)
        {
            Say(pfn, "page was already unpoisoned");
            return ret;
        }

        if (folio.RefCount > 1)
        {
            Say(pfn, "someone grabs the hwpoison page");
            return ret;
        }

        if (folio.Test(PageFlags.Slab) || folio.Test(PageFlags.Reserved) || folio.Head.Type is PageType.Table or PageType.Offline)
        {
            return ret;
        }

        if (folio.MapCount > 0)
        {
            Say(pfn, "someone maps the hwpoison page");
            return ret;
        }

        if (folio.Mapping is AddressSpace || (folio.IsAnon && folio.Test(PageFlags.Swapcache)))
        {
            Say(pfn, "the hwpoison page has non-NULL mapping");
            return ret;
        }

        var ghp = GetUnpoisonPage(p);
        if (ghp == 0)
        {
            if (folio.IsHugetlb)
            {
                huge = true;
                if (FreeRawHwp(folio) == 0)
                {
                    return ret;
                }
            }

            ret = TestClearHwpoison(folio.IsHugetlb ? folio.Head : p) ? 0 : -Errno.EBUSY;
        }
        else if (ghp == -Errno.EHWPOISON)
        {
            ret = PutPageBackBuddy(p) ? 0 : -Errno.EBUSY;
        }
        else
        {
            if (folio.IsHugetlb)
            {
                huge = true;
                if (FreeRawHwp(folio) == 0)
                {
                    Machine.PutFolio(folio);
                    return ret;
                }
            }

            Machine.PutFolio(folio);
            if (TestClearHwpoison(p))
            {
                Machine.PutFolio(folio);
                ret = 0;
            }
        }

        if (ret == 0)
        {
            if (!huge)
            {
                mf.NumPoisonedPagesSub(1);
            }

            Say(pfn, "software-unpoisoned page");
        }

        return ret;
    }

    /// <summary>__get_unpoison_page(): -EHWPOISON for a page taken off the buddy lists, else 1 with a reference or 0.</summary>
    [KernelSymbol("mm/memory-failure.c", "__get_unpoison_page")]
    private int GetUnpoisonPage(Page page)
    {
        var folio = page.Folio;
        if (folio.IsHugetlb)
        {
            return HugetlbFailure.GetHwpoisonHugetlbFolio(folio);
        }

        if (mf.IsTakenOff(page))
        {
            return -Errno.EHWPOISON;
        }

        if (folio.RefCount == 0)
        {
            return 0;
        }

        folio.Head.RefCount++;
        return 1;
    }

    /// <summary>put_page_back_buddy(): a frame memory_failure took off the free lists returns to them, unpoisoned.</summary>
    [KernelSymbol("mm/page_alloc.c", "put_page_back_buddy")]
    private bool PutPageBackBuddy(Page page)
    {
        mf.ClearTakenOff(page);
        page.Clear(PageFlags.Hwpoison);
        page.RefCount = 0;
        Machine.Allocator.FreeFolio(page.Folio);
        return true;
    }

    /// <summary>folio_free_raw_hwp(): forget the raw poisoned pages of a huge page (and their count); how many there were.</summary>
    [KernelSymbol("mm/memory-failure.c", "folio_free_raw_hwp")]
    private long FreeRawHwp(Folio folio)
    {
        long count = 0;
        for (ulong i = 0; i < folio.NrPages; i++)
        {
            if (Machine.Memory.PeekPage(folio.Pfn + i) is { IsHwpoison: true } raw)
            {
                raw.Clear(PageFlags.Hwpoison);
                mf.NumPoisonedPagesSub(1);
                count++;
            }
        }

        return count;
    }

    private static bool TestClearHwpoison(Page page)
    {
        var was = page.Test(PageFlags.Hwpoison) || page.Test(PageFlags.HasHwpoisoned);
        page.Clear(PageFlags.Hwpoison | PageFlags.HasHwpoisoned);
        return was;
    }

    // unpoison_pr_info(): "Unpoison: %#lx: ..." through the DEFAULT_RATELIMIT_* limiter.
    [KernelSymbol("mm/memory-failure.c", "unpoison_pr_info")]
    private void Say(ulong pfn, string what)
    {
        _ratelimit ??= new Ratelimit(Machine.Clock, Ratelimit.DefaultInterval, Ratelimit.DefaultBurst);
        if (_ratelimit.Allow())
        {
            Machine.Log.Info($"Unpoison: {Printf.HashLx(pfn)}: {what}");
        }
    }
}
