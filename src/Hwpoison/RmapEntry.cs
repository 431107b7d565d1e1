using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>One page-table leaf that maps (part of) a folio: where, at which level, and what it holds.</summary>
/// <param name="Vma">The VMA.</param>
/// <param name="Address">The leaf's first virtual address (aligned to its level).</param>
/// <param name="Level">PTE, PMD or PUD.</param>
/// <param name="Entry">The entry.</param>
internal readonly record struct RmapEntry(Vma Vma, ulong Address, PageTableLevel Level, Pte Entry)
{
    /// <summary>Bytes the leaf maps.</summary>
    public ulong Size => 1UL << (int)Level;

    /// <summary>The frame the leaf maps at <paramref name="address"/>.</summary>
    public ulong PfnAt(ulong address) => Entry.Pfn + ((address - Address) >> PhysicalMemory.PageShift);
}
