namespace KernelModel.Mm;

/// <summary>
/// The page cache operations (mm/filemap.c, mm/page-writeback.c, mm/truncate.c) the paths need: read a page
/// into the cache from the backing store, dirty it, write it back, drop it.
/// </summary>
public sealed class Filemap(Machine machine)
{
    private ulong _nextIno = 1;

    /// <summary>Creates a file of <paramref name="size"/> bytes (its disk blocks read as zero until written).</summary>
    public Inode CreateFile(string name, InodeKind kind, ulong size) => new(_nextIno++, name, kind, size);

    /// <summary>
    /// filemap_read_folio path: the cached folio for <paramref name="index"/>, reading it from the backing store
    /// into a new page when absent. The cache holds one reference; null when memory is exhausted.
    /// </summary>
    [KernelSymbol("mm/filemap.c", "read_cache_folio")]
    public Folio? ReadCacheFolio(Inode inode, ulong index)
    {
        if (inode.Mapping.Lookup(index) is { } cached)
        {
            return cached;
        }

        if (machine.Allocator.AllocFolio(0) is not { } folio)
        {
            return null;
        }

        if (inode.BackingStore.TryGetValue(index, out var block))
        {
            machine.Memory.Write(folio.Head.PhysAddr, block);
        }
        else
        {
            machine.Memory.FrameForWrite(folio.Pfn).Clear();
        }

        AddToPageCache(inode, folio, index);
        folio.Set(PageFlags.Uptodate);
        return folio;
    }

    /// <summary>filemap_add_folio(): inserts a locked-in folio at <paramref name="index"/> and puts it on the LRU.</summary>
    /// <exception cref="InvalidOperationException">Something is cached there already.</exception>
    [KernelSymbol("mm/filemap.c", "filemap_add_folio")]
    public void AddToPageCache(Inode inode, Folio folio, ulong index)
    {
        if (inode.Mapping.Lookup(index) is not null)
        {
            throw new InvalidOperationException($"{inode.Name}: index {index} is already cached");
        }

        folio.Head.Mapping = inode.Mapping;
        folio.Head.Index = index;
        folio.Set(PageFlags.Lru | (inode.Kind == InodeKind.Shmem ? PageFlags.Swapbacked : PageFlags.None));
        inode.Mapping.Pages.Add(index, folio);
    }

    /// <summary>folio_mark_dirty().</summary>
    [KernelSymbol("mm/page-writeback.c", "folio_mark_dirty")]
    public static void MarkDirty(Folio folio) => folio.Set(PageFlags.Dirty);

    /// <summary>Writes a dirty folio back to its backing store and cleans it (folio_write_one).</summary>
    [KernelSymbol("mm/page-writeback.c", "folio_write_one")]
    public void Writeback(Folio folio)
    {
        if (folio.Mapping is not AddressSpace { Host: { HasBackingStore: true } inode } || !folio.Test(PageFlags.Dirty))
        {
            return;
        }

        for (ulong i = 0; i < folio.NrPages; i++)
        {
            var block = new byte[PhysicalMemory.PageSize];
            machine.Memory.Read((folio.Pfn + i) << PhysicalMemory.PageShift, block);
            inode.BackingStore[folio.Index + i] = block;
        }

        folio.Clear(PageFlags.Dirty);
    }

    /// <summary>
    /// filemap_remove_folio(): takes a folio out of the page cache and drops the cache's reference; the page
    /// returns to the allocator when nothing else holds it.
    /// </summary>
    [KernelSymbol("mm/filemap.c", "filemap_remove_folio")]
    public void RemoveFromPageCache(Folio folio)
    {
        if (folio.Mapping is not AddressSpace mapping)
        {
            return;
        }

        mapping.Pages.Remove(folio.Index);
        folio.Head.Mapping = null;
        folio.Clear(PageFlags.Lru | PageFlags.Dirty | PageFlags.Uptodate);
        machine.PutFolio(folio);
    }
}
