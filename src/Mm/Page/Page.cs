namespace KernelModel.Mm;

/// <summary>
/// struct page (include/linux/mm_types.h): one per 4 KiB frame, created with the memmap on first use and
/// kept for the machine's life. A folio is its head page (<see cref="Folio"/>); folio-wide state lives on the
/// head, and PG_hwpoison on the exact sub-page that failed, as in the kernel.
/// </summary>
[KernelSymbol("include/linux/mm_types.h", "page")]
public sealed class Page
{
    internal Page(ulong pfn, int nid)
    {
        Pfn = pfn;
        Nid = nid;
    }

    /// <summary>page_to_pfn().</summary>
    public ulong Pfn { get; }

    /// <summary>page_to_nid().</summary>
    public int Nid { get; }

    /// <summary>page->flags.</summary>
    public PageFlags Flags { get; set; }

    /// <summary>page->page_type.</summary>
    public PageType Type { get; set; }

    /// <summary>page->_refcount (on the head page for a folio).</summary>
    public int RefCount { get; set; }

    /// <summary>Number of page table entries that map this page (the kernel stores _mapcount as this minus one).</summary>
    public int MapCount { get; set; }

    /// <summary>
    /// folio->_pincount on the head of a large folio: FOLL_PIN pins (pin_user_pages). An order-0 page has no such
    /// field; its pins are GUP_PIN_COUNTING_BIAS references in <see cref="RefCount"/>.
    /// </summary>
    public int PinCount { get; set; }

    /// <summary>page->mapping: the anon_vma or address_space, null for kernel and free pages.</summary>
    public IPageMapping? Mapping { get; set; }

    /// <summary>page->index: offset in the file, or the linear index of an anonymous page in its anon_vma.</summary>
    public ulong Index { get; set; }

    /// <summary>Swap slot for a page in the swap cache (folio->swap), when <see cref="PageFlags.Swapcache"/> is set.</summary>
    public ulong SwapOffset { get; set; }

    /// <summary>The head page when this is a tail page of a compound page, otherwise null.</summary>
    public Page? CompoundHead { get; internal set; }

    /// <summary>folio_order() on a head page; 0 for order-0 pages and tails.</summary>
    public int Order { get; internal set; }

    /// <summary>page_folio(): the folio this page belongs to.</summary>
    [KernelSymbol("include/linux/page-flags.h", "page_folio")]
    public Folio Folio => new(CompoundHead ?? this);

    /// <summary>Tests one or more flags (all must be set).</summary>
    public bool Test(PageFlags flags) => (Flags & flags) == flags;

    /// <summary>Sets flags.</summary>
    public void Set(PageFlags flags) => Flags |= flags;

    /// <summary>Clears flags.</summary>
    public void Clear(PageFlags flags) => Flags &= ~flags;

    /// <summary>PageHWPoison(): the kernel knows this exact page is poisoned.</summary>
    [KernelSymbol("include/linux/page-flags.h", "PageHWPoison")]
    public bool IsHwpoison => Test(PageFlags.Hwpoison);

    /// <summary>PageAnon().</summary>
    [KernelSymbol("include/linux/page-flags.h", "PageAnon")]
    public bool IsAnon => (CompoundHead ?? this).Mapping?.IsAnon ?? false;

    /// <summary>Physical address of the frame's first byte.</summary>
    public ulong PhysAddr => Pfn << PhysicalMemory.PageShift;

    /// <inheritdoc />
    public override string ToString() => $"page pfn {Printf.HashLx(Pfn)}";
}
