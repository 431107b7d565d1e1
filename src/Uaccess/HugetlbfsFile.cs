using KernelModel.Mm;

namespace KernelModel.Uaccess;

/// <summary>
/// The hugetlbfs read (fs/hugetlbfs/inode.c hugetlbfs_read_iter, v6.17). hugetlbfs keeps a poisoned huge page in its
/// page cache (8625147cafaa "hugetlbfs: don't delete error page from pagecache"); memory_failure records the raw
/// poisoned 4 KiB sub-pages (in the model: PG_hwpoison on the raw page, PG_has_hwpoisoned on the head). A read of a
/// poisoned folio copies only up to the first raw poisoned sub-page after the read position
/// (adjust_range_hwpoison); when that leaves nothing the read fails with -EIO, dropping whatever this call had
/// already copied. Reading on from a position past the poisoned sub-page works (selftest hugetlb-read-hwpoison).
/// </summary>
public static class HugetlbfsFile
{
    /// <summary>hugetlbfs_read_iter(iocb, to): returns the bytes read, -EIO, or -EFAULT when a copy fell short with nothing read.</summary>
    [KernelSymbol("fs/hugetlbfs/inode.c", "hugetlbfs_read_iter")]
    public static long HugetlbfsReadIter(Machine machine, Kiocb iocb, IovIter to)
    {
        using var trace = machine.Tracer.Enter("hugetlbfs_read_iter");
        var inode = iocb.Inode;
        var h = HstateFile(machine, inode);
        var mask = h.Size - 1;
        var index = iocb.Pos >> h.Shift;
        var offset = iocb.Pos & mask;
        long retval = 0;
        while (to.Count > 0)
        {
            var nr = h.Size;
            var isize = inode.Size;
            if (isize == 0)
            {
                break;
            }

            var endIndex = (isize - 1) >> h.Shift;
            if (index > endIndex)
            {
                break;
            }

            if (index == endIndex)
            {
                nr = ((isize - 1) & mask) + 1;
                if (nr <= offset)
                {
                    break;
                }
            }

            nr -= offset;
            ulong copied;
            if (inode.Mapping.Lookup(index << h.Order) is not { } folio)
            {
                copied = IovIterZero(machine, nr, to);
            }
            else
            {
                var want = nr;
                if (folio.Test(PageFlags.HasHwpoisoned))
                {
                    want = AdjustRangeHwpoison(machine, folio, offset, nr);
                    if (want == 0)
                    {
                        machine.Tracer.Note($"raw poisoned sub-page at offset {offset:x}: -EIO");
                        retval = -Errno.EIO;
                        break;
                    }
                }

                copied = to.CopyFolioToIter(machine, folio, offset, want);
            }

            offset += copied;
            retval += (long)copied;
            if (copied != nr && to.Count > 0)
            {
                if (retval == 0)
                {
                    retval = -Errno.EFAULT;
                }

                break;
            }

            index += offset >> h.Shift;
            offset &= mask;
        }

        iocb.Pos = (index << h.Shift) + offset;
        return retval;
    }

    /// <summary>
    /// adjust_range_hwpoison(folio, offset, bytes): how many of the <paramref name="bytes"/> from
    /// <paramref name="offset"/> can be read without touching a raw poisoned sub-page
    /// (is_raw_hwpoison_page_in_hugepage).
    /// </summary>
    [KernelSymbol("fs/hugetlbfs/inode.c", "adjust_range_hwpoison")]
    public static ulong AdjustRangeHwpoison(Machine machine, Folio folio, ulong offset, ulong bytes)
    {
        var n = offset >> PhysicalMemory.PageShift;
        offset &= PhysicalMemory.PageSize - 1;
        ulong res = 0;
        while (n < folio.NrPages && !folio.PageAt(machine.Memory, n).IsHwpoison)
        {
            var chunk = Math.Min(bytes, PhysicalMemory.PageSize - offset);
            res += chunk;
            bytes -= chunk;
            if (bytes == 0 || chunk == 0)
            {
                break;
            }

            offset += chunk;
            if (offset == PhysicalMemory.PageSize)
            {
                n++;
                offset = 0;
            }
        }

        return res;
    }

    // hstate_file(): the huge page size of the file's mount. The model's inode does not record its mount, so it is the
    // size of the folios the file caches, or for an empty file default_hstate (2 MiB on every modelled architecture).
    [KernelSymbol("include/linux/hugetlb.h", "hstate_file")]
    private static Hstate HstateFile(Machine machine, Inode inode)
    {
        var order = inode.Mapping.Pages.Values.Select(f => (int?)f.Order).FirstOrDefault() ?? Memory.HpagePmdOrder;
        return machine.Hugetlb.Hstates.FirstOrDefault(h => h.Order == order)
            ?? throw new InvalidOperationException($"{inode.Name}: the machine has no hstate of order {order}");
    }

    // iov_iter_zero(): a hole reads as zeroes.
    [KernelSymbol("lib/iov_iter.c", "iov_iter_zero")]
    private static ulong IovIterZero(Machine machine, ulong nr, IovIter to)
    {
        ulong done = 0;
        while (done < nr && machine.Mm.ZeroPage is { } zero)
        {
            var chunk = Math.Min(nr - done, PhysicalMemory.PageSize);
            var n = to.CopyPageToIter(machine, zero, 0, chunk);
            done += n;
            if (n < chunk)
            {
                break;
            }
        }

        return done;
    }
}
