using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// The reverse-map walks memory-failure needs (mm/rmap.c): find every page-table leaf that maps a folio through
/// its anon_vma (<see cref="AnonVma.Vmas"/>), its file's i_mmap (<see cref="AddressSpace.IMmap"/>) or its KSM
/// rmap_items, at <see cref="Vma.AddressOf"/> of each page's index; unmap them (try_to_unmap) and clean them
/// (folio_mkclean).
/// </summary>
internal sealed class Rmap(Machine machine)
{
    /// <summary>GUP_PIN_COUNTING_BIAS (include/linux/mm.h): a DMA pin adds this many references.</summary>
    public const int GupPinCountingBias = 1024;

    /// <summary>page_pgoff(): the page's index in its file or anon_vma.</summary>
    [KernelSymbol("mm/internal.h", "page_pgoff")]
    public static ulong PagePgoff(Folio folio, Page page) => folio.Index + (page.Pfn - folio.Pfn);

    /// <summary>folio_maybe_dma_pinned(): the references say a device may be writing the folio.</summary>
    [KernelSymbol("include/linux/mm.h", "folio_maybe_dma_pinned")]
    public static bool MaybeDmaPinned(Folio folio) => folio.RefCount >= GupPinCountingBias;

    /// <summary>The VMAs the folio's mapping says may map it, with the fixed address of a KSM rmap_item.</summary>
    [KernelSymbol("mm/rmap.c", "rmap_walk")]
    public static IEnumerable<(Vma Vma, ulong? Address)> Candidates(Folio folio) => folio.Mapping switch
    {
        KsmStableNode ksm => ksm.RmapItems.Select(i => (i.Vma, (ulong?)i.Address)),
        AnonVma av => av.Vmas.Select(v => (v, (ulong?)null)),
        AddressSpace mapping => mapping.IMmap.Select(v => (v, (ulong?)null)),
        _ => [],
    };

    /// <summary>Every present leaf that maps a page of the folio.</summary>
    public List<RmapEntry> MappingsOf(Folio folio)
    {
        var found = new List<RmapEntry>();
        foreach (var (vma, fixedAddress) in Candidates(folio))
        {
            if (fixedAddress is { } ksmAddress)
            {
                AddIfMapping(found, vma, ksmAddress, folio.Pfn);
                continue;
            }

            for (ulong i = 0; i < folio.NrPages;)
            {
                if (vma.AddressOf(folio.Index + i) is not { } address)
                {
                    i++;
                    continue;
                }

                var leaf = AddIfMapping(found, vma, address, folio.Pfn + i);
                i += leaf is { } l ? (l.Address + l.Size - address) >> PhysicalMemory.PageShift : 1;
            }
        }

        return found;
    }

    /// <summary>page_mapped_in_vma(): the address at which the VMA maps this page, or null (-EFAULT).</summary>
    [KernelSymbol("mm/page_vma_mapped.c", "page_mapped_in_vma")]
    public static ulong? PageMappedInVma(Folio folio, Page page, Vma vma)
    {
        if (vma.AddressOf(PagePgoff(folio, page)) is not { } address)
        {
            return null;
        }

        var (entry, level) = vma.Mm.PageTable.Walk(address);
        var leaf = new RmapEntry(vma, address & ~((1UL << (int)level) - 1), level, entry);
        return entry.IsPresent && leaf.PfnAt(address) == page.Pfn ? address : null;
    }

    /// <summary>
    /// try_to_unmap() with TTU_IGNORE_MLOCK | TTU_SYNC and, when <paramref name="hwpoison"/>, TTU_HWPOISON: each
    /// mapping of a poisoned page becomes a hwpoison entry; otherwise an anonymous page in the swap cache leaves a
    /// swap entry and a file page nothing (it will be read again). Each removed mapping drops its map count and
    /// reference and hands its dirty bit to the folio. try_to_unmap_one() installs the hwpoison entry before it
    /// would ask whether an exclusive anonymous page may be shared, so a DMA pin stops only an unmap that keeps the
    /// data (folio_try_share_anon_rmap_pte refuses): the walk stops there.
    /// </summary>
    [KernelSymbol("mm/rmap.c", "try_to_unmap")]
    public void TryToUnmap(Folio folio, bool hwpoison)
    {
        foreach (var m in MappingsOf(folio))
        {
            var page = machine.Memory.PfnToPage(m.Entry.Pfn);
            var poisoned = folio.IsHugetlb ? folio.Test(PageFlags.HasHwpoisoned) : page.IsHwpoison;
            if (!(hwpoison && poisoned) && folio.IsAnon && page.Test(PageFlags.AnonExclusive) && MaybeDmaPinned(folio))
            {
                return;
            }

            if (m.Entry.Dirty)
            {
                folio.Set(PageFlags.Dirty);
            }

            var replacement = hwpoison && poisoned ? Pte.HwpoisonEntry(m.Entry.Pfn)
                : folio.IsAnon && folio.Test(PageFlags.Swapcache) ? Pte.SwapEntry(folio.Head.SwapOffset + (m.Entry.Pfn - folio.Pfn))
                : Pte.Empty;
            m.Vma.Mm.PageTable.Set(m.Address, replacement, m.Level);
            folio.Head.MapCount--;
            machine.PutFolio(folio);
        }
    }

    /// <summary>folio_mkclean(): write-protect and clean every mapping; the number that were dirty.</summary>
    [KernelSymbol("mm/rmap.c", "folio_mkclean")]
    public int FolioMkclean(Folio folio)
    {
        var cleaned = 0;
        foreach (var m in MappingsOf(folio))
        {
            if (m.Entry.Dirty)
            {
                cleaned++;
            }

            m.Vma.Mm.PageTable.Set(m.Address, m.Entry with { Dirty = false, Write = false }, m.Level);
        }

        return cleaned;
    }

    private static RmapEntry? AddIfMapping(List<RmapEntry> found, Vma vma, ulong address, ulong pfn)
    {
        var (entry, level) = vma.Mm.PageTable.Walk(address);
        var leaf = new RmapEntry(vma, address & ~((1UL << (int)level) - 1), level, entry);
        if (!entry.IsPresent || leaf.PfnAt(address) != pfn)
        {
            return null;
        }

        if (!found.Contains(leaf))
        {
            found.Add(leaf);
        }

        return leaf;
    }
}
