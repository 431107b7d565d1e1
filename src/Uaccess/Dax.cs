using KernelModel.Mm;

namespace KernelModel.Uaccess;

/// <summary>
/// The DAX read path of fs/dax.c (dax_iomap_rw, dax_iomap_iter) over a pmem device: no page cache, the data is copied
/// straight from persistent memory with dax_copy_to_iter(), which for pmem is _copy_mc_to_iter(). A copy that
/// consumes poison comes back short; the loop stops, and the iomap iteration goes on from where it stopped, so the
/// next step starts at (or just before) the poisoned line and copies nothing: -EFAULT, which dax_iomap_rw reports
/// only when nothing at all was read. A range with a known bad block fails dax_direct_access() with -EHWPOISON, which
/// dax_mem2blk_err() turns into -EIO (Jane Chu, "dax: enable dax fault handler to report VM_FAULT_HWPOISON", v6.5).
/// </summary>
public static class Dax
{
    /// <summary>
    /// dax_iomap_rw(iocb, iter, ops) for a read: iomap_iter() walks the file's mapping (one extent here) from
    /// ki_pos, running dax_iomap_iter() on each piece and advancing by what it processed, until the range is done, a
    /// step processed nothing, or a step failed. Returns the bytes read, or the error when none were.
    /// </summary>
    [KernelSymbol("fs/dax.c", "dax_iomap_rw")]
    public static long IomapRw(Machine machine, Kiocb iocb, IovIter iter)
    {
        using var trace = machine.Tracer.Enter("dax_iomap_rw");
        if (iocb.Inode.Private is not DaxExtent extent)
        {
            throw new ArgumentException($"{iocb.Inode.Name} is not a DAX file on a pmem device", nameof(iocb));
        }

        var start = iocb.Pos;
        var pos = start;
        var len = iter.Count;
        long ret = 0;
        while (len > 0)
        {
            var processed = IomapIter(machine, extent, iocb.Inode, pos, len, iter);
            if (processed <= 0)
            {
                ret = processed;
                break;
            }

            pos += (ulong)processed;
            len -= (ulong)processed;
        }

        iocb.Pos = pos;
        var done = (long)(pos - start);
        return done != 0 ? done : ret;
    }

    /// <summary>dax_mem2blk_err(): -EHWPOISON from the device becomes -EIO for the block I/O caller.</summary>
    [KernelSymbol("include/linux/dax.h", "dax_mem2blk_err")]
    public static int Mem2blkErr(long err) => err == -Errno.EHWPOISON ? -Errno.EIO : (int)err;

    /// <summary>
    /// dax_iomap_iter() for a read of <paramref name="length"/> bytes at <paramref name="pos"/> of one mapped extent:
    /// clamp to i_size; then map as much as the device allows (dax_direct_access for the whole rest of the request),
    /// copy it with dax_copy_to_iter(), and stop at a short copy. Returns the bytes done, or the error.
    /// </summary>
    [KernelSymbol("fs/dax.c", "dax_iomap_iter")]
    private static long IomapIter(Machine machine, DaxExtent extent, Inode inode, ulong pos, ulong length, IovIter iter)
    {
        using var trace = machine.Tracer.Enter("dax_iomap_iter");
        var end = Math.Min(pos + length, inode.Size);
        if (pos >= end)
        {
            return 0;
        }

        long done = 0;
        long ret = 0;
        while (pos < end)
        {
            var offset = pos & (PhysicalMemory.PageSize - 1);
            var size = (length + offset + PhysicalMemory.PageSize - 1) & ~(ulong)(PhysicalMemory.PageSize - 1);
            var pgoff = (extent.Offset + Memory.PageAlign(pos)) >> PhysicalMemory.PageShift;
            long mapLen;
            ulong kaddr;
            using (machine.Tracer.Enter("dax_direct_access"))
            {
                mapLen = extent.Device.DirectAccess(pgoff, (long)(size >> PhysicalMemory.PageShift), out kaddr);
            }

            if (mapLen < 0)
            {
                machine.Tracer.Note($"dax_direct_access() = {mapLen}");
                ret = Mem2blkErr(mapLen);
                break;
            }

            var bytes = Math.Min(((ulong)mapLen << PhysicalMemory.PageShift) - offset, end - pos);
            var xfer = CopyToIter(machine, kaddr + offset, bytes, iter);
            pos += xfer;
            length -= xfer;
            done += (long)xfer;
            if (xfer == 0)
            {
                ret = -Errno.EFAULT;
            }

            if (xfer < bytes)
            {
                break;
            }
        }

        return done != 0 ? done : ret;
    }

    /// <summary>dax_copy_to_iter(): pmem does not set DAXDEV_NOMC, so the machine-check-safe _copy_mc_to_iter().</summary>
    [KernelSymbol("drivers/dax/super.c", "dax_copy_to_iter")]
    private static ulong CopyToIter(Machine machine, ulong addr, ulong bytes, IovIter iter)
    {
        using var trace = machine.Tracer.Enter("dax_copy_to_iter");
        return iter.CopyMcToIter(machine, addr, bytes);
    }
}
