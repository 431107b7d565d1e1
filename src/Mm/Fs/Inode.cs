namespace KernelModel.Mm;

/// <summary>
/// An inode with its page cache (<see cref="Mapping"/>) and, for disk files, the backing store the page cache
/// reads from and writes back to: one page-sized block per index, absent blocks reading as zero.
/// </summary>
[KernelSymbol("include/linux/fs.h", "inode")]
public sealed class Inode
{
    internal Inode(ulong ino, string name, InodeKind kind, ulong size)
    {
        Ino = ino;
        Name = name;
        Kind = kind;
        Size = size;
        Mapping = new AddressSpace(this);
    }

    /// <summary>i_ino.</summary>
    public ulong Ino { get; }

    /// <summary>The file's path, for reports.</summary>
    public string Name { get; }

    /// <summary>Which filesystem.</summary>
    public InodeKind Kind { get; }

    /// <summary>i_sb->s_dev: the device of the filesystem holding the inode (MKDEV: major &lt;&lt; 20 | minor); hwpoison_inject's dev filters match it.</summary>
    public uint Dev { get; set; }

    /// <summary>i_size in bytes.</summary>
    public ulong Size { get; set; }

    /// <summary>i_mapping: the page cache.</summary>
    public AddressSpace Mapping { get; }

    /// <summary>The blocks on disk (regular files only), by page index.</summary>
    public Dictionary<ulong, byte[]> BackingStore { get; } = [];

    /// <summary>i_private: the filesystem's or device's own data (a DAX file's extent on its pmem device).</summary>
    public object? Private { get; set; }

    /// <summary>Whether the page cache can be refilled from a backing store.</summary>
    public bool HasBackingStore => Kind == InodeKind.Regular;
}
