namespace KernelModel.Mm;

/// <summary>
/// An mm's page tables: leaf entries at PTE, PMD and PUD level. PTEs live in PTE tables of 512 entries, one per
/// 2 MiB range (a PTE page under its PMD, as in the kernel), which exist while they hold an entry; PMD and PUD
/// leaves are keyed by the range they map. The walk finds the largest leaf that covers an address, as the
/// hardware walker would.
/// </summary>
public sealed class PageTable
{
    private const int PtrsPerPte = 1 << ((int)PageTableLevel.Pmd - (int)PageTableLevel.Pte);
    private static readonly PageTableLevel[] HugeLevels = [PageTableLevel.Pmd, PageTableLevel.Pud];

    private readonly Dictionary<ulong, PteTable> _pte = [];
    private readonly Dictionary<ulong, Pte> _pmd = [];
    private readonly Dictionary<ulong, Pte> _pud = [];
    private int _pteCount;
    private ulong _lastKey;
    private PteTable? _lastTable;

    /// <summary>Number of non-empty leaf entries at all levels.</summary>
    public int Count => _pteCount + _pmd.Count + _pud.Count;

    /// <summary>The leaf entry covering <paramref name="address"/> and its level; Empty at PTE level when none.</summary>
    public (Pte Entry, PageTableLevel Level) Walk(ulong address)
    {
        // Most address spaces have no huge leaves: an empty table is not looked up.
        if (_pud.Count != 0 && _pud.TryGetValue(address >> (int)PageTableLevel.Pud, out var pud))
        {
            return (pud, PageTableLevel.Pud);
        }

        if (_pmd.Count != 0 && _pmd.TryGetValue(address >> (int)PageTableLevel.Pmd, out var pmd))
        {
            return (pmd, PageTableLevel.Pmd);
        }

        return (FindPteTable(address >> (int)PageTableLevel.Pmd) is { } table ? table.Entries[PteIndex(address)] : Pte.Empty, PageTableLevel.Pte);
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

        if (entry.IsNone)
        {
            if (level == PageTableLevel.Pte)
            {
                ClearPte(address);
            }
            else
            {
                HugeTable(level).Remove(address >> shift);
            }

            return;
        }

        if (level != PageTableLevel.Pud && _pud.Count != 0 && _pud.ContainsKey(address >> (int)PageTableLevel.Pud) ||
            level == PageTableLevel.Pte && _pmd.Count != 0 && _pmd.ContainsKey(address >> (int)PageTableLevel.Pmd))
        {
            throw new ArgumentException($"address {Printf.HashLx(address)} is already mapped by a larger leaf", nameof(address));
        }

        if (level != PageTableLevel.Pte)
        {
            HugeTable(level)[address >> shift] = entry;
            return;
        }

        // pte_alloc(): the PTE table comes into existence with its first entry.
        var pmdKey = address >> (int)PageTableLevel.Pmd;
        if (FindPteTable(pmdKey) is not { } table)
        {
            table = new PteTable();
            _pte.Add(pmdKey, table);
        }

        ref var slot = ref table.Entries[PteIndex(address)];
        if (slot.IsNone)
        {
            table.Count++;
            _pteCount++;
        }

        slot = entry;
    }

    /// <summary>pte_clear / pmd_clear: removes the leaf at this level.</summary>
    public void Clear(ulong address, PageTableLevel level = PageTableLevel.Pte) => Set(address & ~((1UL << (int)level) - 1), Pte.Empty, level);

    /// <summary>Whether any leaf, at any level, starts in [start, end).</summary>
    public bool AnyLeafIn(ulong start, ulong end)
    {
        // One PMD-aligned 2 MiB range (pmd_none() of the fault path and khugepaged): three lookups, no walk.
        const ulong pmdSize = 1UL << (int)PageTableLevel.Pmd;
        if ((start & (pmdSize - 1)) == 0 && end == start + pmdSize)
        {
            var pmdIndex = start >> (int)PageTableLevel.Pmd;
            var pudIndex = start >> (int)PageTableLevel.Pud;
            return FindPteTable(pmdIndex) is not null || (_pmd.Count != 0 && _pmd.ContainsKey(pmdIndex)) ||
                (pudIndex << (int)PageTableLevel.Pud == start && _pud.Count != 0 && _pud.ContainsKey(pudIndex));
        }

        return LeavesIn(start, end).Any();
    }

    /// <summary>The 4 KiB entries in [start, end), in address order (for fork, collapse and munmap).</summary>
    /// <remarks>The entries are collected when the enumeration starts, so the caller may change the table while it iterates.</remarks>
    public IEnumerable<(ulong Address, Pte Entry)> PtesIn(ulong start, ulong end)
    {
        foreach (var (address, entry) in CollectPtes(start, end))
        {
            yield return (address, entry);
        }
    }

    /// <summary>Every leaf in [start, end) at every level, in address order.</summary>
    /// <remarks>The entries are collected when the enumeration starts, so the caller may change the table while it iterates.</remarks>
    public IEnumerable<(ulong Address, Pte Entry, PageTableLevel Level)> LeavesIn(ulong start, ulong end)
    {
        var leaves = new List<(ulong Address, Pte Entry, PageTableLevel Level)>();
        foreach (var (address, entry) in CollectPtes(start, end))
        {
            leaves.Add((address, entry, PageTableLevel.Pte));
        }

        foreach (var level in HugeLevels)
        {
            foreach (var (key, entry) in HugeTable(level))
            {
                var address = key << (int)level;
                if (address >= start && address < end)
                {
                    leaves.Add((address, entry, level));
                }
            }
        }

        // A stable order: by address, and at one address the smaller level first.
        leaves.Sort((a, b) => a.Address != b.Address ? a.Address.CompareTo(b.Address) : a.Level.CompareTo(b.Level));
        foreach (var leaf in leaves)
        {
            yield return leaf;
        }
    }

    private static int PteIndex(ulong address) => (int)((address >> (int)PageTableLevel.Pte) & (PtrsPerPte - 1));

    private List<(ulong Address, Pte Entry)> CollectPtes(ulong start, ulong end)
    {
        var ptes = new List<(ulong Address, Pte Entry)>();
        var tables = _pte.Keys.Where(k => (k + 1) << (int)PageTableLevel.Pmd > start && k << (int)PageTableLevel.Pmd < end).Order();
        foreach (var key in tables)
        {
            var entries = _pte[key].Entries;
            for (var i = 0; i < PtrsPerPte; i++)
            {
                var address = (key << (int)PageTableLevel.Pmd) + ((ulong)i << (int)PageTableLevel.Pte);
                if (!entries[i].IsNone && address >= start && address < end)
                {
                    ptes.Add((address, entries[i]));
                }
            }
        }

        return ptes;
    }

    // A fault walks the same PTE table several times (the fault, the PTE update, the retried access): the last table
    // found is remembered.
    private PteTable? FindPteTable(ulong pmdKey)
    {
        if (_lastTable is { } last && _lastKey == pmdKey)
        {
            return last;
        }

        if (!_pte.TryGetValue(pmdKey, out var table))
        {
            return null;
        }

        (_lastKey, _lastTable) = (pmdKey, table);
        return table;
    }

    private void ClearPte(ulong address)
    {
        var pmdKey = address >> (int)PageTableLevel.Pmd;
        if (FindPteTable(pmdKey) is not { } table)
        {
            return;
        }

        ref var slot = ref table.Entries[PteIndex(address)];
        if (slot.IsNone)
        {
            return;
        }

        slot = Pte.Empty;
        _pteCount--;
        if (--table.Count == 0)
        {
            // free_pte_range(): an empty PTE table goes, so the PMD is none again.
            _pte.Remove(pmdKey);
            _lastTable = null;
        }
    }

    private Dictionary<ulong, Pte> HugeTable(PageTableLevel level) => level switch
    {
        PageTableLevel.Pmd => _pmd,
        PageTableLevel.Pud => _pud,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "PTE, PMD or PUD"),
    };

    // One PTE page: 512 entries and how many are not none.
    private sealed class PteTable
    {
        public readonly Pte[] Entries = new Pte[PtrsPerPte];
        public int Count;
    }
}
