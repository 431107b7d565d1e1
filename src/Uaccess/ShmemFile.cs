using KernelModel.Mm;

namespace KernelModel.Uaccess;

/// <summary>
/// The tmpfs read (mm/shmem.c shmem_file_read_iter). shmem keeps a poisoned page in its page cache (memory_failure
/// cannot drop it: the page cache is the only copy), so the read checks PageHWPoison on the page it is about to copy:
/// a known-poisoned page ends the read with -EIO, or with the bytes read before it, so the next read gets -EIO. A hole
/// reads as the zero page (the kernel zeroes a kernel destination with iov_iter_zero instead: the same bytes). The copy itself is a plain copy_folio_to_iter, so unknown poison is the architecture's
/// copy_to_user problem, as for any page-cache read.
/// </summary>
public static class ShmemFile
{
    /// <summary>shmem_file_read_iter(iocb, to): returns the bytes read, or the error when none were.</summary>
    [KernelSymbol("mm/shmem.c", "shmem_file_read_iter")]
    public static long ShmemFileReadIter(Machine machine, Kiocb iocb, IovIter to)
    {
        using var trace = machine.Tracer.Enter("shmem_file_read_iter");
        var inode = iocb.Inode;
        long retval = 0;
        var error = 0;
        while (iocb.Pos < inode.Size)
        {
            var index = iocb.Pos >> PhysicalMemory.PageShift;
            var folio = inode.Mapping.Lookup(index);
            Page? page = null;
            if (folio is { } f)
            {
                page = f.PageAt(machine.Memory, index - f.Index);
                if (page.IsHwpoison)
                {
                    machine.Tracer.Note($"page {index} has PG_hwpoison: -EIO");
                    error = -Errno.EIO;
                    break;
                }
            }

            var endOffset = Math.Min(inode.Size, iocb.Pos + to.Count);
            var offset = iocb.Pos & (PhysicalMemory.PageSize - 1);
            var nr = Math.Min(endOffset - iocb.Pos, PhysicalMemory.PageSize - offset);
            if ((page ?? machine.Mm.ZeroPage) is not { } source)
            {
                error = -Errno.ENOMEM;
                break;
            }

            var ret = to.CopyPageToIter(machine, source, offset, nr);
            retval += (long)ret;
            iocb.Pos += ret;
            if (to.Count == 0)
            {
                break;
            }

            if (ret < nr)
            {
                error = -Errno.EFAULT;
                break;
            }
        }

        return retval != 0 ? retval : error;
    }
}
