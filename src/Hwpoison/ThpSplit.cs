using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// Splitting a transparent huge page so that only the poisoned 4 KiB page is lost (try_to_split_thp_page in
/// mm/memory-failure.c over split_huge_page_to_order in mm/huge_memory.c): PMD mappings become 512 PTEs, the folio
/// becomes order-0 folios, and every reference and mapping count moves to the page it belongs to. A folio with
/// references nobody can account for (a GUP pin) cannot be split.
/// </summary>
internal sealed class ThpSplit(MemoryFailureHandler mf, Rmap rmap)
{
    private Machine Machine => mf.Machine;

    /// <summary>try_to_split_thp_page(): 0 when split, -EAGAIN when the folio is pinned.</summary>
    [KernelSymbol("mm/memory-failure.c", "try_to_split_thp_page")]
    public int TryToSplitThpPage(Page page)
    {
        var folio = page.Folio;
        using (Machine.Tracer.Enter("split_huge_page_to_order"))
        {
            var extraPins = folio.Mapping is AddressSpace || folio.Test(PageFlags.Swapcache) ? (int)folio.NrPages : 0;
            var mappings = rmap.MappingsOf(folio);

            // can_split_folio(): the references are one per mapping, the cache's and ours, nothing else.
            if (folio.RefCount != mappings.Count + extraPins + 1)
            {
                return -Errno.EAGAIN;
            }

            foreach (var m in mappings.Where(m => m.Level == PageTableLevel.Pmd))
            {
                var table = m.Vma.Mm.PageTable;
                table.Set(m.Address, Pte.Empty, PageTableLevel.Pmd);
                for (ulong i = 0; i < m.Size >> PhysicalMemory.PageShift; i++)
                {
                    table.Set(m.Address + (i << PhysicalMemory.PageShift), m.Entry with { Pfn = m.Entry.Pfn + i });
                }
            }

            var cache = folio.Mapping as AddressSpace;
            cache?.Pages.Remove(folio.Index);
            var pages = HugeMemory.SplitFolioToOrder0(Machine.Memory, folio);
            foreach (var sub in pages)
            {
                var maps = rmap.MappingsOf(sub).Count;
                sub.Head.MapCount = maps;
                sub.Head.RefCount = maps + (extraPins > 0 ? 1 : 0) + (sub.Head == page ? 1 : 0);
                cache?.Pages.Add(sub.Index, sub);
            }
        }

        return 0;
    }

    /// <summary>
    /// kill_procs_now(): the folio could not be split (maybe RDMA-pinned); tell the mappers now, forced, so an
    /// application can recover, honouring their early-kill choice.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "kill_procs_now")]
    public void KillProcsNow(Page p, ulong pfn, MfFlags flags, Folio folio)
    {
        var toKill = mf.Killer.CollectProcs(folio, p, (flags & MfFlags.ActionRequired) != 0);
        mf.Killer.KillProcs(toKill, forceKill: true, unmapFailed: false, pfn, flags);
    }
}
