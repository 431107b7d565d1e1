using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// migrate_pages() for one isolated folio, as soft offline uses it (mm/migrate.c, MR_MEMORY_FAILURE): a new folio
/// on the same node (a hugetlb one from the pool for a huge page), the contents copied with folio_mc_copy() (a
/// poisoned source fails the copy, queues memory_failure for that page and fails the migration, the source staying
/// mapped), then every mapping, the page-cache slot and the folio's state move to the new folio. The old folio
/// keeps one reference, which page_handle_poison() releases (huge pages are freed back to their pool).
/// </summary>
internal sealed class Migration(MemoryFailureHandler mf, Rmap rmap)
{
    private Machine Machine => mf.Machine;

    /// <summary>The number of folios not migrated: 0 or 1.</summary>
    [KernelSymbol("mm/migrate.c", "migrate_pages")]
    public int MigratePage(Folio src)
    {
        using (Machine.Tracer.Enter("migrate_pages"))
        {
            Folio? allocated = src.IsHugetlb
                ? Machine.Hugetlb.Hstates.First(h => h.Order == src.Order) is var h ? Machine.Hugetlb.AllocHugetlbFolio(h) : null
                : Machine.Allocator.AllocFolio(src.Order, src.Head.Nid);
            if (allocated is not { } dst)
            {
                return 1;
            }

            if (FolioMcCopy(dst, src) != 0)
            {
                Machine.PutFolio(dst);
                return 1;
            }

            MoveToNewFolio(dst, src);
            return 0;
        }
    }

    /// <summary>
    /// folio_mc_copy() (mm/util.c): copy page by page with copy_mc_highpage(); the architecture's own
    /// copy_mc_highpage when it has one, else the generic helper, which on a short copy queues memory_failure(pfn of
    /// the source page, 0). -EHWPOISON at the first page that fails.
    /// </summary>
    [KernelSymbol("mm/util.c", "folio_mc_copy")]
    private int FolioMcCopy(Folio dst, Folio src)
    {
        var copy = Machine.Arch.CopyMc;
        for (ulong i = 0; i < src.NrPages; i++)
        {
            var to = dst.PageAt(Machine.Memory, i);
            var from = src.PageAt(Machine.Memory, i);
            int ret;
            if (copy.HighpageOverride is { } arch)
            {
                ret = arch.CopyMcHighpage(to, from);
            }
            else
            {
                ret = copy.CopyMcToKernel(Machine.PageAddress(to), Machine.PageAddress(from), PhysicalMemory.PageSize) == 0 ? 0 : -Errno.EFAULT;
                if (ret != 0)
                {
                    Machine.MemoryFailureHandler.MemoryFailureQueue(from.Pfn, MfFlags.None);
                }
            }

            if (ret != 0)
            {
                return -Errno.EHWPOISON;
            }
        }

        return 0;
    }

    /// <summary>move_to_new_folio() and remove_migration_ptes(): the new folio takes the old one's place everywhere.</summary>
    [KernelSymbol("mm/migrate.c", "move_to_new_folio")]
    private void MoveToNewFolio(Folio dst, Folio src)
    {
        var mappings = rmap.MappingsOf(src);
        var head = src.Head;
        dst.Head.Mapping = head.Mapping;
        dst.Head.Index = head.Index;
        dst.Head.SwapOffset = head.SwapOffset;
        dst.Head.Flags = (dst.Head.Flags & PageFlags.Head) | (head.Flags & ~(PageFlags.Head | PageFlags.Hwpoison | PageFlags.HasHwpoisoned));
        if (!src.IsHugetlb)
        {
            dst.Set(PageFlags.Lru);
        }

        foreach (var m in mappings)
        {
            var offset = m.Entry.Pfn - src.Pfn;
            m.Vma.Mm.PageTable.Set(m.Address, m.Entry with { Pfn = dst.Pfn + offset }, m.Level);
        }

        if (head.Mapping is AddressSpace cache && cache.Pages.ContainsKey(head.Index))
        {
            cache.Pages[head.Index] = dst;
        }

        // Every reference but the isolation one follows the data.
        dst.Head.RefCount = src.RefCount - 1;
        dst.Head.MapCount = src.MapCount;
        head.RefCount = 1;
        head.MapCount = 0;
        head.Mapping = null;
        head.SwapOffset = 0;
        head.Flags &= PageFlags.Head | PageFlags.Hwpoison;
        if (src.IsHugetlb)
        {
            Machine.PutFolio(src);
        }
    }
}
