using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>stable_page_flags() (fs/proc/page.c): a page's /proc/kpageflags word, which the corrupt-filter-flags-* filter matches.</summary>
public static class StablePageFlags
{
    private static readonly (PageFlags Flag, KpageFlags Kpf)[] Copied =
    [
        (PageFlags.Locked, KpageFlags.Locked), (PageFlags.Referenced, KpageFlags.Referenced),
        (PageFlags.Uptodate, KpageFlags.Uptodate), (PageFlags.Dirty, KpageFlags.Dirty), (PageFlags.Lru, KpageFlags.Lru),
        (PageFlags.Active, KpageFlags.Active), (PageFlags.Slab, KpageFlags.Slab), (PageFlags.Writeback, KpageFlags.Writeback),
        (PageFlags.Reclaim, KpageFlags.Reclaim), (PageFlags.Swapbacked, KpageFlags.Swapbacked),
        (PageFlags.Unevictable, KpageFlags.Unevictable), (PageFlags.Reserved, KpageFlags.Reserved),
        (PageFlags.Mlocked, KpageFlags.Mlocked), (PageFlags.Mappedtodisk, KpageFlags.Mappedtodisk),
        (PageFlags.Private, KpageFlags.Private),
    ];

    /// <summary>The KPF_* word of the page with frame <paramref name="pfn"/>.</summary>
    [KernelSymbol("fs/proc/page.c", "stable_page_flags")]
    public static KpageFlags Of(Machine machine, ulong pfn)
    {
        var page = machine.Memory.PfnToPage(pfn);
        var folio = page.Folio;
        var k = KpageFlags.None;
        foreach (var (flag, kpf) in Copied)
        {
            if (folio.Test(flag))
            {
                k |= kpf;
            }
        }

        if (folio.MapCount > 0)
        {
            k |= KpageFlags.Mmap;
        }

        if (folio.IsAnon)
        {
            k |= KpageFlags.Anon;
        }

        if (folio.Mapping is KsmStableNode)
        {
            k |= KpageFlags.Ksm;
        }

        if (folio.Test(PageFlags.Swapcache) && folio.Test(PageFlags.Swapbacked))
        {
            k |= KpageFlags.Swapcache;
        }

        if (folio.IsLarge)
        {
            k |= page == folio.Head ? KpageFlags.CompoundHead : KpageFlags.CompoundTail;
            k |= folio.IsHugetlb ? KpageFlags.Huge : folio.Test(PageFlags.Lru) ? KpageFlags.Thp : KpageFlags.None;
        }

        if (machine.Allocator.IsFreeBuddyPage(pfn))
        {
            k |= KpageFlags.Buddy;
        }

        if (page.IsHwpoison)
        {
            k |= KpageFlags.Hwpoison;
        }

        k |= page.Type switch
        {
            PageType.Offline => KpageFlags.Offline,
            PageType.Table => KpageFlags.Pgtable,
            _ => KpageFlags.None,
        };
        return k;
    }
}
