namespace KernelModel.Mm;

/// <summary>
/// An mm's page tables: leaf entries at PTE, PMD and PUD level keyed by the virtual page they map.
/// The walk finds the largest leaf that covers an address, as the hardware walker would.
/// </summary>
public sealed class PageTable
{
    private readonly Dictionary<ulong, Pte> _pte = [];
    private readonly Dictionary<ulong, Pte> _pmd = [];
    private readonly Dictionary<ulong, Pte> _pud = [];

    /// <summary>Number of non-empty leaf entries at all levels.</summary>
    public int Count => _pte.Count + _pmd.Count + _pud.Count;

    /// <summary>The leaf entry covering <paramref name="address"/> and its level; Empty at PTE level when none.</summary>
    public (Pte Entry, PageTableLevel Level) Walk(ulong address)
    {
        if (_pud.TryGetValue(address >> (int)PageTableLevel.Pud, out var pud))
        {
            return (pud, PageTableLevel.Pud);
        }

        if (_pmd.TryGetValue(address >> (int)PageTableLevel.Pmd, out var pmd))
        {
            return (pmd, PageTableLevel.Pmd);
        }

        return (_pte.GetValueOrDefault(address >> (int)PageTableLevel.Pte), PageTableLevel.Pte);
    }

    /// <summary>set_pte_at / set_pmd_at / set_pud_at: installs a leaf (an Empty entry clears it).</summary>
    /// <exception cref="ArgumentException">The address is not aligned to the level, or a leaf of another level overlaps.</exception>
    public void Set(ulong address, Pte entry, PageTableLevel level = PageTableLevel.Pte)
    {
        var shift = (int)level;
        if ((address & ((1UL << shift) - 1)) != 0)
        {
            throw new ArgumentException($"address {Printf.HashLx(address)} is not aligned for a {level} entry", nameof(address));
        }

        var table = Table(level);
        if (entry.IsNone)
        {
            table.Remove(address >> shift);
            return;
        }

        if (level != PageTableLevel.Pud && _pud.ContainsKey(address >> (int)PageTableLevel.Pud) ||
            level == PageTableLevel.Pte && _pmd.ContainsKey(address >> (int)PageTableLevel.Pmd))
        {
            throw new ArgumentException($"address {Printf.HashLx(address)} is already mapped by a larger leaf", nameof(address));
        }

        table[address >> shift] = entry;
    }

    /// <summary>pte_clear / pmd_clear: removes the leaf at this level.</summary>
    public void Clear(ulong address, PageTableLevel level = PageTableLevel.Pte) => Set(address & ~((1UL << (int)level) - 1), Pte.Empty, level);

    /// <summary>The 4 KiB entries in [start, end), in address order (for fork, collapse and munmap).</summary>
    public IEnumerable<(ulong Address, Pte Entry)> PtesIn(ulong start, ulong end) =>
        _pte.Where(kv => kv.Key << 12 >= start && kv.Key << 12 < end).OrderBy(kv => kv.Key).Select(kv => (kv.Key << 12, kv.Value));

    /// <summary>Every leaf in [start, end) at every level, in address order.</summary>
    public IEnumerable<(ulong Address, Pte Entry, PageTableLevel Level)> LeavesIn(ulong start, ulong end) =>
        new[] { PageTableLevel.Pte, PageTableLevel.Pmd, PageTableLevel.Pud }
            .SelectMany(l => Table(l).Select(kv => (Address: kv.Key << (int)l, Entry: kv.Value, Level: l)))
            .Where(x => x.Address >= start && x.Address < end)
            .OrderBy(x => x.Address);

    private Dictionary<ulong, Pte> Table(PageTableLevel level) => level switch
    {
        PageTableLevel.Pte => _pte,
        PageTableLevel.Pmd => _pmd,
        PageTableLevel.Pud => _pud,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "PTE, PMD or PUD"),
    };
}
