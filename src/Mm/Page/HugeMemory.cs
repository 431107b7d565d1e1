namespace KernelModel.Mm;

/// <summary>The struct-page side of splitting a large folio (mm/huge_memory.c): page tables and references are the caller's.</summary>
public static class HugeMemory
{
    /// <summary>
    /// __split_folio_to_order(folio, 0): every page of a large (non-hugetlb) folio becomes an order-0 folio of its
    /// own with the head's flags (less PG_head), its mapping and its own index; each page keeps its PG_hwpoison.
    /// Reference and map counts are left at zero on the new tails for the caller to distribute.
    /// </summary>
    /// <exception cref="ArgumentException">The folio is order 0 or hugetlb.</exception>
    [KernelSymbol("mm/huge_memory.c", "__split_folio_to_order")]
    public static IReadOnlyList<Folio> SplitFolioToOrder0(PhysicalMemory memory, Folio folio)
    {
        if (!folio.IsLarge || folio.IsHugetlb)
        {
            throw new ArgumentException($"{folio} is not a splittable large folio", nameof(folio));
        }

        var head = folio.Head;
        var flags = head.Flags & ~(PageFlags.Head | PageFlags.Hwpoison | PageFlags.HasHwpoisoned);
        var nrPages = folio.NrPages;
        var pages = new List<Folio>((int)nrPages);
        for (ulong i = 0; i < nrPages; i++)
        {
            var page = memory.PfnToPage(folio.Pfn + i);
            page.Flags = flags | (page.Flags & PageFlags.Hwpoison);
            page.CompoundHead = null;
            page.Order = 0;
            page.Mapping = head.Mapping;
            page.Index = head.Index + i;
            page.SwapOffset = head.SwapOffset == 0 ? 0 : head.SwapOffset + i;
            if (i != 0)
            {
                page.RefCount = 0;
                page.MapCount = 0;
            }

            pages.Add(new Folio(page));
        }

        return pages;
    }
}
