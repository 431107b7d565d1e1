using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// error_states[] (mm/memory-failure.c): the page states memory_failure() can handle, matched in order on the
/// page flags, first match wins; the last row catches everything. Free pages are detected before the table.
/// </summary>
internal static class ErrorStates
{
    private const PageFlags Dirty = PageFlags.Dirty;
    private const PageFlags Sc = PageFlags.Swapcache | PageFlags.Swapbacked;
    private const PageFlags Unevict = PageFlags.Unevictable;
    private const PageFlags Mlock = PageFlags.Mlocked;
    private const PageFlags Lru = PageFlags.Lru;
    private const PageFlags Head = PageFlags.Head;
    private const PageFlags Reserved = PageFlags.Reserved;

    /// <summary>The table, in the kernel's order.</summary>
    [KernelSymbol("mm/memory-failure.c", "error_states")]
    public static IReadOnlyList<PageState> Table { get; } =
    [
        new(Reserved, Reserved, ActionPageType.Kernel, static (h, ps, p) => h.MeKernel(ps, p), "me_kernel"),
        new(Head, Head, ActionPageType.Huge, static (h, ps, p) => h.MeHugePage(ps, p), "me_huge_page"),
        new(Sc | Dirty, Sc | Dirty, ActionPageType.DirtySwapcache, static (h, ps, p) => h.MeSwapcacheDirty(ps, p), "me_swapcache_dirty"),
        new(Sc | Dirty, Sc, ActionPageType.CleanSwapcache, static (h, ps, p) => h.MeSwapcacheClean(ps, p), "me_swapcache_clean"),
        new(Mlock | Dirty, Mlock | Dirty, ActionPageType.DirtyMlockedLru, static (h, ps, p) => h.MePagecacheDirty(ps, p), "me_pagecache_dirty"),
        new(Mlock | Dirty, Mlock, ActionPageType.CleanMlockedLru, static (h, ps, p) => h.MePagecacheClean(ps, p), "me_pagecache_clean"),
        new(Unevict | Dirty, Unevict | Dirty, ActionPageType.DirtyUnevictableLru, static (h, ps, p) => h.MePagecacheDirty(ps, p), "me_pagecache_dirty"),
        new(Unevict | Dirty, Unevict, ActionPageType.CleanUnevictableLru, static (h, ps, p) => h.MePagecacheClean(ps, p), "me_pagecache_clean"),
        new(Lru | Dirty, Lru | Dirty, ActionPageType.DirtyLru, static (h, ps, p) => h.MePagecacheDirty(ps, p), "me_pagecache_dirty"),
        new(Lru | Dirty, Lru, ActionPageType.CleanLru, static (h, ps, p) => h.MePagecacheClean(ps, p), "me_pagecache_clean"),
        new(PageFlags.None, PageFlags.None, ActionPageType.Unknown, static (h, ps, p) => h.MeUnknown(ps, p), "me_unknown"),
    ];

    /// <summary>The first row that matches <paramref name="flags"/>.</summary>
    public static PageState Match(PageFlags flags) => Table.First(ps => (flags & ps.Mask) == ps.Value);

    /// <summary>
    /// identify_page_state()'s lookup: the page's current flags first; only when they match nothing but the
    /// catch-all, the flags saved before unmapping (with the current dirty bit).
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "identify_page_state")]
    public static PageState Identify(PageFlags current, PageFlags saved)
    {
        var ps = Match(current);
        return ps.Mask == PageFlags.None ? Match(saved | (current & Dirty)) : ps;
    }
}
