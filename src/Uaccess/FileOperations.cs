using KernelModel.Mm;

namespace KernelModel.Uaccess;

/// <summary>A file's -&gt;read_iter.</summary>
public delegate long ReadIter(Machine machine, Kiocb iocb, IovIter to);

/// <summary>A file's -&gt;write_iter.</summary>
public delegate long WriteIter(Machine machine, Kiocb iocb, IovIter from);

/// <summary>
/// struct file_operations: the read and write methods of one kind of file, as its filesystem registers them. A null
/// <see cref="WriteIter"/> is a file with no write method (vfs_write returns -EINVAL).
/// </summary>
/// <param name="Name">The kernel table's name.</param>
/// <param name="ReadIter">-&gt;read_iter.</param>
/// <param name="WriteIter">-&gt;write_iter, or null.</param>
[KernelSymbol("include/linux/fs.h", "file_operations")]
public sealed record FileOperations(string Name, ReadIter ReadIter, WriteIter? WriteIter)
{
    /// <summary>The file operations of each modelled filesystem, by the kind of inode.</summary>
    [KernelSymbol("fs/ext4/file.c", "ext4_file_operations")]
    [KernelSymbol("mm/shmem.c", "shmem_file_operations")]
    [KernelSymbol("fs/hugetlbfs/inode.c", "hugetlbfs_file_operations")]
    public static IReadOnlyDictionary<InodeKind, FileOperations> Table { get; } = new Dictionary<InodeKind, FileOperations>
    {
        // ext4 (any page-cache filesystem): generic_file_read_iter / generic_file_write_iter.
        [InodeKind.Regular] = new("ext4_file_operations", PageCacheRead.GenericFileReadIter, PageCacheWrite.GenericFileWriteIter),

        // tmpfs: its own read (the PG_hwpoison check), the generic buffered write.
        [InodeKind.Shmem] = new("shmem_file_operations", ShmemFile.ShmemFileReadIter, PageCacheWrite.GenericFileWriteIter),

        // hugetlbfs has no write method: data gets in through mmap or fallocate.
        [InodeKind.Hugetlbfs] = new("hugetlbfs_file_operations", HugetlbfsFile.HugetlbfsReadIter, null),

        // ext4 mounted with -o dax: ext4_dax_read_iter is dax_iomap_rw. The DAX write is not modelled.
        [InodeKind.Dax] = new("ext4_file_operations (dax)", Dax.IomapRw, null),
    };
}
