namespace KernelModel.Mm;

/// <summary>What a page table entry holds.</summary>
public enum PteKind
{
    /// <summary>pte_none(): nothing mapped.</summary>
    None,

    /// <summary>pte_present(): maps a frame.</summary>
    Present,

    /// <summary>A swap entry: the page is in swap at <see cref="Pte.SwapOffset"/>.</summary>
    Swap,

    /// <summary>A hwpoison swap entry (make_hwpoison_entry): the page was poisoned; any access gives VM_FAULT_HWPOISON.</summary>
    Hwpoison,

    /// <summary>A migration entry: the page is being migrated; accesses wait.</summary>
    Migration,
}

/// <summary>
/// A page table entry (at PTE, PMD or PUD level): present with its frame and bits, or one of the non-present
/// swap-type entries, which for hwpoison and migration carry the frame.
/// </summary>
/// <param name="Kind">What the entry holds.</param>
/// <param name="Pfn">The frame, for present, hwpoison and migration entries.</param>
/// <param name="Write">Writable (present) or a writable migration entry.</param>
/// <param name="Dirty">Dirty bit.</param>
/// <param name="SwapOffset">Swap slot, for swap entries.</param>
public readonly record struct Pte(PteKind Kind, ulong Pfn = 0, bool Write = false, bool Dirty = false, ulong SwapOffset = 0)
{
    /// <summary>pte_none.</summary>
    public static Pte Empty => default;

    /// <summary>mk_pte(): a present entry.</summary>
    public static Pte Present(ulong pfn, bool write, bool dirty = false) => new(PteKind.Present, pfn, write, dirty);

    /// <summary>swp_entry_to_pte(): a swap entry.</summary>
    public static Pte SwapEntry(ulong offset) => new(PteKind.Swap, SwapOffset: offset);

    /// <summary>make_hwpoison_entry(): the entry a poisoned page's mappings become.</summary>
    [KernelSymbol("include/linux/swapops.h", "make_hwpoison_entry")]
    public static Pte HwpoisonEntry(ulong pfn) => new(PteKind.Hwpoison, pfn);

    /// <summary>make_{readable,writable}_migration_entry().</summary>
    public static Pte MigrationEntry(ulong pfn, bool write) => new(PteKind.Migration, pfn, write);

    /// <summary>pte_present().</summary>
    public bool IsPresent => Kind == PteKind.Present;

    /// <summary>pte_none().</summary>
    public bool IsNone => Kind == PteKind.None;
}
