namespace KernelModel.Mm;

/// <summary>What filesystem an inode lives on, which decides how its pages are read and lost.</summary>
public enum InodeKind
{
    /// <summary>A regular file on a disk filesystem: clean pages can be read again from the backing store.</summary>
    Regular,

    /// <summary>tmpfs/shmem or memfd: the page cache is the only copy.</summary>
    Shmem,

    /// <summary>A hugetlbfs file: huge pages from the hugetlb pool, the only copy.</summary>
    Hugetlbfs,

    /// <summary>A DAX file on pmem: reads copy straight from persistent memory, no page cache.</summary>
    Dax,
}
