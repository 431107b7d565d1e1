// A kernel constant table: each member is named after its kernel macro, which is its documentation.
#pragma warning disable CS1591

namespace KernelModel.Mm;

/// <summary>
/// The page flags hwpoison and the mm paths test (include/linux/page-flags.h, enum pageflags). Bit positions
/// are the model's own (the kernel's depend on config); the names print as the kernel spells them.
/// </summary>
[Flags]
[KernelSymbol("include/linux/page-flags.h", "pageflags")]
public enum PageFlags : ulong
{
    None = 0,
    Locked = 1UL << 0,
    Referenced = 1UL << 1,
    Uptodate = 1UL << 2,
    Dirty = 1UL << 3,
    Lru = 1UL << 4,
    Active = 1UL << 5,
    Workingset = 1UL << 6,
    Slab = 1UL << 7,
    Reserved = 1UL << 8,
    Private = 1UL << 9,
    Writeback = 1UL << 10,
    Head = 1UL << 11,
    Swapbacked = 1UL << 12,
    Unevictable = 1UL << 13,
    Mlocked = 1UL << 14,
    Swapcache = 1UL << 15,
    Hwpoison = 1UL << 16,
    Reclaim = 1UL << 17,
    Mappedtodisk = 1UL << 18,
    Error = 1UL << 19,

    /// <summary>PG_mte_tagged (arm64 PG_arch_2): the page's MTE allocation tags are valid.</summary>
    MteTagged = 1UL << 20,

    /// <summary>PG_has_hwpoisoned on a THP: some sub-page is poisoned.</summary>
    HasHwpoisoned = 1UL << 21,

    /// <summary>PG_anon_exclusive: this anonymous page is exclusive to one mm (no COW needed).</summary>
    AnonExclusive = 1UL << 22,
}
