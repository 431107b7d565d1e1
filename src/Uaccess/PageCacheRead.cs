using KernelModel.Mm;

namespace KernelModel.Uaccess;

/// <summary>
/// The buffered read of a regular file (mm/filemap.c): generic_file_read_iter() and filemap_read(). Each folio is
/// copied with copy_folio_to_iter(), a plain copy_to_user from the page-cache page, not a machine-check-safe copy:
/// whether poison in the page survives is the architecture's copy_to_user (an exception-table entry on its kernel
/// loads that the trap honours for a memory error). A short copy ends the read with the bytes copied so far, or
/// -EFAULT when there are none. filemap_read has no PG_hwpoison check of its own: memory_failure removes a poisoned
/// page-cache folio, and the next read brings the data in again from the backing store.
/// </summary>
public static class PageCacheRead
{
    /// <summary>generic_file_read_iter(): the buffered path (O_DIRECT is not modelled): filemap_read.</summary>
    [KernelSymbol("mm/filemap.c", "generic_file_read_iter")]
    public static long GenericFileReadIter(Machine machine, Kiocb iocb, IovIter iter) => iter.Count == 0 ? 0 : FilemapRead(machine, iocb, iter);

    /// <summary>
    /// filemap_read(iocb, iter, 0): folio by folio (filemap_get_pages reads a missing one in), up to i_size, copying
    /// each with copy_folio_to_iter; returns the bytes read, or the error when none were.
    /// </summary>
    [KernelSymbol("mm/filemap.c", "filemap_read")]
    public static long FilemapRead(Machine machine, Kiocb iocb, IovIter iter)
    {
        using var trace = machine.Tracer.Enter("filemap_read");
        var inode = iocb.Inode;
        long alreadyRead = 0;
        var error = 0;
        while (iter.Count > 0 && iocb.Pos < inode.Size && error == 0)
        {
            if (FilemapGetPage(machine, inode, iocb.Pos >> PhysicalMemory.PageShift) is not { } folio)
            {
                error = -Errno.ENOMEM;
                break;
            }

            var endOffset = Math.Min(inode.Size, iocb.Pos + iter.Count);
            var fsize = folio.Size;
            var offset = iocb.Pos - (folio.Index << PhysicalMemory.PageShift);
            var bytes = Math.Min(endOffset - iocb.Pos, fsize - offset);
            var copied = iter.CopyFolioToIter(machine, folio, offset, bytes);
            alreadyRead += (long)copied;
            iocb.Pos += copied;
            if (copied < bytes)
            {
                error = -Errno.EFAULT;
            }
        }

        machine.Tracer.Note($"filemap_read() = {(alreadyRead != 0 ? alreadyRead : error)}");
        return alreadyRead != 0 ? alreadyRead : error;
    }

    // filemap_get_pages(): the cached folio, or one read in from the backing store.
    [KernelSymbol("mm/filemap.c", "filemap_get_pages")]
    private static Folio? FilemapGetPage(Machine machine, Inode inode, ulong index) => machine.Filemap.ReadCacheFolio(inode, index);
}
