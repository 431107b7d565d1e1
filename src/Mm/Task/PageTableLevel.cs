namespace KernelModel.Mm;

/// <summary>The level a leaf entry sits at, and so the size it maps.</summary>
public enum PageTableLevel
{
    /// <summary>A 4 KiB PTE.</summary>
    Pte = 12,

    /// <summary>A 2 MiB PMD leaf (PMD-mapped THP or 2 MiB hugetlb).</summary>
    Pmd = 21,

    /// <summary>A 1 GiB PUD leaf (1 GiB hugetlb).</summary>
    Pud = 30,
}
