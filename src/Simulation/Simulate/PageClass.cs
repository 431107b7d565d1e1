namespace KernelModel.Simulation.Simulate;

/// <summary>What a page is used for: the classes of the memory composition (field-rates.md row 22) the injector draws from.</summary>
public enum PageClass
{
    /// <summary>Anonymous memory of processes (4 KiB pages, THPs, KSM pages).</summary>
    Anon,

    /// <summary>The page cache, shmem included.</summary>
    PageCache,

    /// <summary>Kernel-owned memory (slab).</summary>
    Slab,

    /// <summary>Free memory.</summary>
    Free,

    /// <summary>hugetlb pages.</summary>
    Hugetlb,
}
