namespace KernelModel.Mm;

/// <summary>
/// struct folio: a view of a head page, from 4 KiB (order 0) to 1 GiB (order 18). It is a value wrapper so
/// that folio handles cost nothing; all state is on <see cref="Head"/>.
/// </summary>
/// <param name="Head">The folio's first page.</param>
[KernelSymbol("include/linux/mm_types.h", "folio")]
public readonly record struct Folio(Page Head)
{
    /// <summary>folio_order().</summary>
    public int Order => Head.Order;

    /// <summary>folio_nr_pages().</summary>
    public ulong NrPages => 1UL << Head.Order;

    /// <summary>folio_size() in bytes.</summary>
    public ulong Size => NrPages << PhysicalMemory.PageShift;

    /// <summary>folio_pfn().</summary>
    public ulong Pfn => Head.Pfn;

    /// <summary>folio->flags.</summary>
    public PageFlags Flags => Head.Flags;

    /// <summary>folio_test_*() for one or more flags.</summary>
    public bool Test(PageFlags flags) => Head.Test(flags);

    /// <summary>folio_set_*().</summary>
    public void Set(PageFlags flags) => Head.Set(flags);

    /// <summary>folio_clear_*().</summary>
    public void Clear(PageFlags flags) => Head.Clear(flags);

    /// <summary>folio_test_large().</summary>
    public bool IsLarge => Head.Order > 0;

    /// <summary>folio_test_hugetlb().</summary>
    public bool IsHugetlb => Head.Type == PageType.Hugetlb;

    /// <summary>folio_test_anon().</summary>
    public bool IsAnon => Head.Mapping?.IsAnon ?? false;

    /// <summary>folio->mapping.</summary>
    public IPageMapping? Mapping => Head.Mapping;

    /// <summary>folio->index.</summary>
    public ulong Index => Head.Index;

    /// <summary>folio_ref_count().</summary>
    public int RefCount => Head.RefCount;

    /// <summary>folio_mapcount(): mappings of the folio as a whole plus of its pages.</summary>
    public int MapCount => Head.MapCount;

    /// <summary>folio_page(folio, n): the n-th page of the folio.</summary>
    public Page PageAt(PhysicalMemory memory, ulong n) =>
        n < NrPages ? memory.PfnToPage(Pfn + n) : throw new ArgumentOutOfRangeException(nameof(n), n, $"folio has {NrPages} pages");

    /// <summary>Whether the frame <paramref name="pfn"/> lies in this folio.</summary>
    public bool ContainsPfn(ulong pfn) => pfn >= Pfn && pfn < Pfn + NrPages;

    /// <inheritdoc />
    public override string ToString() => $"folio pfn {Printf.HashLx(Pfn)} order {Order}";
}
