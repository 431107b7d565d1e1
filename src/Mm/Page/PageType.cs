namespace KernelModel.Mm;

/// <summary>The page_type a page may carry instead of a mapcount (include/linux/page-flags.h, enum pagetype).</summary>
[KernelSymbol("include/linux/page-flags.h", "pagetype")]
public enum PageType
{
    /// <summary>No type: an ordinary page.</summary>
    None,

    /// <summary>PGTY_buddy: head of a free block in the buddy allocator.</summary>
    Buddy,

    /// <summary>PGTY_offline: logically offline (taken out of use).</summary>
    Offline,

    /// <summary>PGTY_table: a page table page.</summary>
    Table,

    /// <summary>PGTY_hugetlb: a hugetlb folio (head page).</summary>
    Hugetlb,
}
