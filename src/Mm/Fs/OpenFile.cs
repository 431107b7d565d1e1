namespace KernelModel.Mm;

/// <summary>
/// struct file: an open file, with the writeback-error sample taken at open (f_wb_err), so each open file
/// sees a writeback error once (file_check_and_advance_wb_err).
/// </summary>
[KernelSymbol("include/linux/fs.h", "file")]
public sealed class OpenFile(Inode inode)
{
    /// <summary>f_inode.</summary>
    public Inode Inode { get; } = inode;

    /// <summary>f_pos.</summary>
    public ulong Position { get; set; }

    /// <summary>f_wb_err: the wb_err sequence this file has already reported.</summary>
    public int WbErrSeen { get; private set; } = inode.Mapping.WbErrSequence;

    /// <summary>file_check_and_advance_wb_err(): -errno once for a new writeback error, else 0.</summary>
    [KernelSymbol("mm/filemap.c", "file_check_and_advance_wb_err")]
    public int CheckAndAdvanceWbErr()
    {
        var mapping = Inode.Mapping;
        if (mapping.WbErrSequence == WbErrSeen)
        {
            return 0;
        }

        WbErrSeen = mapping.WbErrSequence;
        return -mapping.WbErrno;
    }
}
