using KernelModel.Mm;

namespace KernelModel.Simulation.Litmus;

/// <summary>
/// The file syscalls the litmus steps use (pread, pwrite, fsync, ftruncate, fallocate PUNCH_HOLE), one page at a
/// time on the page cache (src/Mm/Fs): the minimum the catalogue needs until src/Uaccess provides the read and write
/// paths, to which these calls then switch. Data moves between the page cache and the caller's buffer without a
/// modelled copy routine, so a step that would consume latent poison in read() is not expressible here (model-only
/// files poison user pages, not pages read with read()). What the kernel checks before copying is modelled: shmem's
/// PageHWPoison test (EIO), the writeback error an fsync reports once per open file, truncation of cached folios.
/// </summary>
public static class FileIo
{
    /// <summary>pread() of page <paramref name="index"/> into <paramref name="buffer"/>: bytes read or -errno.</summary>
    [KernelSymbol("mm/filemap.c", "filemap_read")]
    [KernelSymbol("mm/shmem.c", "shmem_file_read_iter")]
    public static long Pread(Machine machine, OpenFile file, ulong index, byte[] buffer)
    {
        var inode = file.Inode;
        var offset = index << PhysicalMemory.PageShift;
        if (offset >= inode.Size)
        {
            return 0;
        }

        var count = (int)Math.Min((ulong)buffer.Length, inode.Size - offset);
        Folio folio;
        if (inode.Kind == InodeKind.Shmem)
        {
            // shmem reads a hole as zeros without allocating, and refuses a page it knows is poisoned.
            if (inode.Mapping.Lookup(index) is not { } cached)
            {
                Array.Clear(buffer, 0, count);
                return count;
            }

            folio = cached;
            if (folio.PageAt(machine.Memory, index - folio.Index).IsHwpoison)
            {
                return -Errno.EIO;
            }
        }
        else if (machine.Filemap.ReadCacheFolio(inode, index) is { } read)
        {
            folio = read;
        }
        else
        {
            return -Errno.ENOMEM;
        }

        var page = folio.PageAt(machine.Memory, index - folio.Index);
        machine.Memory.Read(page.PhysAddr, buffer.AsSpan(0, count));
        return count;
    }

    /// <summary>pwrite() of <paramref name="data"/> at page <paramref name="index"/>: bytes written or -errno.</summary>
    [KernelSymbol("mm/filemap.c", "generic_perform_write")]
    [KernelSymbol("mm/shmem.c", "shmem_write_begin")]
    public static long Pwrite(Machine machine, OpenFile file, ulong index, byte[] data)
    {
        var inode = file.Inode;
        if (machine.Filemap.ReadCacheFolio(inode, index) is not { } folio)
        {
            return -Errno.ENOMEM;
        }

        var page = folio.PageAt(machine.Memory, index - folio.Index);
        if (inode.Kind == InodeKind.Shmem && page.IsHwpoison)
        {
            return -Errno.EIO;
        }

        machine.Memory.Write(page.PhysAddr, data);
        Filemap.MarkDirty(folio);
        inode.Size = Math.Max(inode.Size, (index << PhysicalMemory.PageShift) + (ulong)data.Length);
        return data.Length;
    }

    /// <summary>fsync(): a disk file writes its dirty pages back and reports a writeback error once per open file; tmpfs has nothing to write.</summary>
    [KernelSymbol("mm/filemap.c", "file_write_and_wait_range")]
    public static long Fsync(Machine machine, OpenFile file)
    {
        var inode = file.Inode;
        if (!inode.HasBackingStore)
        {
            return 0;
        }

        foreach (var folio in inode.Mapping.Pages.Values.ToArray())
        {
            machine.Filemap.Writeback(folio);
        }

        return file.CheckAndAdvanceWbErr();
    }

    /// <summary>ftruncate() to <paramref name="pages"/> pages: cached folios past the end are unmapped and dropped.</summary>
    [KernelSymbol("mm/truncate.c", "truncate_pagecache")]
    public static long Ftruncate(Machine machine, OpenFile file, ulong pages)
    {
        var inode = file.Inode;
        Drop(machine, inode, pages, ulong.MaxValue);
        foreach (var index in inode.BackingStore.Keys.Where(i => i >= pages).ToArray())
        {
            inode.BackingStore.Remove(index);
        }

        inode.Size = pages << PhysicalMemory.PageShift;
        return 0;
    }

    /// <summary>fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) over <paramref name="count"/> pages from <paramref name="index"/>.</summary>
    [KernelSymbol("mm/shmem.c", "shmem_fallocate")]
    public static long PunchHole(Machine machine, OpenFile file, ulong index, ulong count)
    {
        var inode = file.Inode;
        Drop(machine, inode, index, index + count);
        foreach (var i in inode.BackingStore.Keys.Where(i => i >= index && i < index + count).ToArray())
        {
            inode.BackingStore.Remove(i);
        }

        return 0;
    }

    // truncate_inode_pages_range() after unmap_mapping_range(): present mappings of the folios are zapped (hwpoison
    // entries are not: zap_pte_range keeps them when the truncation does not zap private COW copies), then the folios
    // leave the page cache.
    [KernelSymbol("mm/truncate.c", "truncate_inode_pages_range")]
    private static void Drop(Machine machine, Inode inode, ulong start, ulong end)
    {
        foreach (var folio in inode.Mapping.Pages.Where(p => p.Key >= start && p.Key < end).Select(p => p.Value).ToArray())
        {
            if (folio.MapCount > 0)
            {
                Rmap.TryToUnmap(machine, folio);
            }

            machine.Filemap.RemoveFromPageCache(folio);
        }
    }
}
