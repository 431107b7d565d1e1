namespace KernelModel.Hwpoison;

/// <summary>The page states a target page can be built in, one per row of the page-state table and more.</summary>
public enum TargetPageKind
{
    /// <summary>A private anonymous page that was written (dirty), mapped by its process.</summary>
    AnonDirty,

    /// <summary>A private anonymous page freed lazily (MADV_FREE): clean, its data may be discarded.</summary>
    AnonClean,

    /// <summary>A 2 MiB anonymous THP mapped by one PMD.</summary>
    AnonThp,

    /// <summary>A 2 MiB anonymous THP that a device has pinned (GUP_PIN_COUNTING_BIAS references): it cannot be split.</summary>
    AnonThpPinned,

    /// <summary>An exclusive anonymous page pinned for DMA: unmapped to a hwpoison entry all the same, while the pin holds it.</summary>
    AnonPinned,

    /// <summary>A clean page-cache page of a regular file, mapped shared read-only.</summary>
    FileClean,

    /// <summary>A dirty page-cache page of a regular file, mapped shared writable.</summary>
    FileDirty,

    /// <summary>A shmem (tmpfs) page, mapped shared: dirty, the page cache is its only copy.</summary>
    Shmem,

    /// <summary>A shmem page of a SHM_LOCKed segment: dirty and unevictable.</summary>
    ShmemLocked,

    /// <summary>A clean page-cache page of an unevictable mapping.</summary>
    UnevictableClean,

    /// <summary>A dirty anonymous page in a VM_LOCKED mapping (mlocked).</summary>
    MlockedDirty,

    /// <summary>A clean file page in a VM_LOCKED mapping (mlocked).</summary>
    MlockedClean,

    /// <summary>An anonymous page swapped in and written: in the swap cache and dirty.</summary>
    SwapcacheDirty,

    /// <summary>An anonymous page swapped in and not written: in the swap cache and clean.</summary>
    SwapcacheClean,

    /// <summary>A KSM page shared by two processes.</summary>
    Ksm,

    /// <summary>A private anonymous 2 MiB hugetlb page.</summary>
    HugetlbAnon,

    /// <summary>A 2 MiB hugetlbfs page mapped shared.</summary>
    HugetlbFile,

    /// <summary>A free 2 MiB huge page in the hugetlb pool.</summary>
    HugetlbFree,

    /// <summary>A free page in the buddy allocator.</summary>
    FreeBuddy,

    /// <summary>A page the kernel reserved at boot (PG_reserved).</summary>
    Reserved,

    /// <summary>A kernel slab page.</summary>
    Slab,

    /// <summary>An LRU page whose file was truncated under it (no mapping any more).</summary>
    TruncatedLru,
}
