using KernelModel.Mm;

namespace KernelModel.Uaccess;

/// <summary>
/// The VFS read and write entry (fs/read_write.c, fs/sync.c): the argument checks, then the file's -&gt;read_iter or
/// -&gt;write_iter with an iov_iter over the caller's buffer (a user buffer for the syscalls, a kernel one for
/// kernel_read). The position is the caller's (f_pos for read/write, the argument for pread/pwrite).
/// </summary>
public static class Vfs
{
    /// <summary>MAX_RW_COUNT: INT_MAX rounded down to a page, the most one read or write transfers.</summary>
    [KernelSymbol("include/linux/fs.h", "MAX_RW_COUNT")]
    public const ulong MaxRwCount = int.MaxValue & ~(ulong)(PhysicalMemory.PageSize - 1);

    /// <summary>
    /// vfs_read(file, buf, count, pos): access_ok on the user buffer (-EFAULT), a negative position (-EINVAL), then
    /// new_sync_read: -&gt;read_iter with an ITER_UBUF destination; <paramref name="pos"/> advances by what was read.
    /// </summary>
    [KernelSymbol("fs/read_write.c", "vfs_read")]
    public static long VfsRead(Machine machine, OpenFile file, ulong buf, ulong count, ref ulong pos)
    {
        using var trace = machine.Tracer.Enter("vfs_read");
        if (!machine.Arch.Uaccess.AccessOk(buf, count))
        {
            return -Errno.EFAULT;
        }

        if ((long)pos < 0)
        {
            return -Errno.EINVAL;
        }

        count = Math.Min(count, MaxRwCount);
        var iocb = new Kiocb(file, pos);
        var ret = FileOperations.Table[file.Inode.Kind].ReadIter(machine, iocb, IovIter.Ubuf(dataSource: false, buf, count));
        pos = iocb.Pos;
        return ret;
    }

    /// <summary>
    /// vfs_write(file, buf, count, pos): -EINVAL without a write method, access_ok (-EFAULT), then new_sync_write:
    /// -&gt;write_iter with an ITER_UBUF source.
    /// </summary>
    /// <exception cref="ArgumentException">A DAX file: its write path is not modelled.</exception>
    [KernelSymbol("fs/read_write.c", "vfs_write")]
    public static long VfsWrite(Machine machine, OpenFile file, ulong buf, ulong count, ref ulong pos)
    {
        using var trace = machine.Tracer.Enter("vfs_write");
        if (file.Inode.Kind == InodeKind.Dax)
        {
            throw new ArgumentException($"{file.Inode.Name}: write(2) to a DAX file is not modelled (only the DAX read path is)", nameof(file));
        }

        if (FileOperations.Table[file.Inode.Kind].WriteIter is not { } writeIter)
        {
            return -Errno.EINVAL;
        }

        if (!machine.Arch.Uaccess.AccessOk(buf, count))
        {
            return -Errno.EFAULT;
        }

        if ((long)pos < 0)
        {
            return -Errno.EINVAL;
        }

        count = Math.Min(count, MaxRwCount);
        var iocb = new Kiocb(file, pos);
        var ret = writeIter(machine, iocb, IovIter.Ubuf(dataSource: true, buf, count));
        pos = iocb.Pos;
        return ret;
    }

    /// <summary>
    /// kernel_read(file, buf, count, pos): the same -&gt;read_iter with an ITER_KVEC destination, a kernel buffer (the
    /// path of kernel users such as module and firmware loading, and of nfsd-style servers).
    /// </summary>
    [KernelSymbol("fs/read_write.c", "kernel_read")]
    public static long KernelRead(Machine machine, OpenFile file, ulong kbuf, ulong count, ref ulong pos)
    {
        using var trace = machine.Tracer.Enter("kernel_read");
        count = Math.Min(count, MaxRwCount);
        var iocb = new Kiocb(file, pos);
        var ret = FileOperations.Table[file.Inode.Kind].ReadIter(machine, iocb, IovIter.Kvec(dataSource: false, kbuf, count));
        pos = iocb.Pos;
        return ret;
    }

    /// <summary>
    /// vfs_fsync(file, 0) for a page-cache file: file_write_and_wait_range writes the dirty folios back, then
    /// file_check_and_advance_wb_err reports a writeback error recorded since this file last looked (memory_failure
    /// records -EIO when it drops a dirty page-cache page).
    /// </summary>
    [KernelSymbol("fs/sync.c", "vfs_fsync")]
    [KernelSymbol("mm/filemap.c", "file_write_and_wait_range")]
    public static int VfsFsync(Machine machine, OpenFile file)
    {
        using var trace = machine.Tracer.Enter("vfs_fsync");
        foreach (var folio in file.Inode.Mapping.Pages.Values.Where(f => f.Test(PageFlags.Dirty)).ToArray())
        {
            machine.Filemap.Writeback(folio);
        }

        return file.CheckAndAdvanceWbErr();
    }
}
