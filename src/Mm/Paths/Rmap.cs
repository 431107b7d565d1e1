namespace KernelModel.Mm;

/// <summary>
/// The reverse map and the page-table side of a folio's mappings (mm/rmap.c, mm/memory.c vm_normal_page).
/// The model's accounting: each PTE or PMD/PUD leaf that maps a folio holds one reference and one mapcount
/// on the folio's head; the page cache and the swap cache hold one reference each; an LRU isolation holds one.
/// </summary>
public static class Rmap
{
    /// <summary>vm_normal_page(): the page a present entry maps, or null for the shared zero page.</summary>
    [KernelSymbol("mm/memory.c", "vm_normal_page")]
    public static Page? VmNormalPage(Machine machine, Pte pte) =>
        pte.IsPresent && !machine.Mm.IsZeroPfn(pte.Pfn) ? machine.Memory.PfnToPage(pte.Pfn) : null;

    /// <summary>folio_test_ksm(): page->mapping is a KSM stable node.</summary>
    [KernelSymbol("include/linux/page-flags.h", "folio_test_ksm")]
    public static bool FolioTestKsm(Folio folio) => folio.Mapping is KsmStableNode;

    /// <summary>anon_vma_prepare(): the VMA's anon_vma, created and linked on first use.</summary>
    [KernelSymbol("mm/rmap.c", "__anon_vma_prepare")]
    public static AnonVma AnonVmaPrepare(Vma vma)
    {
        if (vma.AnonVma is not { } anonVma)
        {
            anonVma = new AnonVma();
            anonVma.Link(vma);
            vma.AnonVma = anonVma;
        }

        return anonVma;
    }

    /// <summary>
    /// folio_add_new_anon_rmap() / hugetlb_add_new_anon_rmap(): a freshly allocated folio becomes anonymous in
    /// <paramref name="vma"/> at <paramref name="address"/> with its first mapping. With RMAP_EXCLUSIVE every page
    /// is PageAnonExclusive (hugetlb keeps the bit on the head only). The caller's reference becomes the mapping's.
    /// </summary>
    [KernelSymbol("mm/rmap.c", "folio_add_new_anon_rmap")]
    [KernelSymbol("mm/hugetlb.c", "hugetlb_add_new_anon_rmap")]
    public static void FolioAddNewAnonRmap(Machine machine, Folio folio, Vma vma, ulong address, bool exclusive)
    {
        using (machine.Tracer.Enter("folio_add_new_anon_rmap"))
        {
            var head = folio.Head;
            head.Mapping = AnonVmaPrepare(vma);
            head.Index = vma.LinearPageIndex(address);
            head.MapCount = 1;
            folio.Set(PageFlags.Swapbacked | PageFlags.Uptodate);
            if (!exclusive)
            {
                return;
            }

            var pages = folio.IsHugetlb ? 1UL : folio.NrPages;
            for (ulong i = 0; i < pages; i++)
            {
                folio.PageAt(machine.Memory, i).Set(PageFlags.AnonExclusive);
            }
        }
    }

    /// <summary>folio_add_anon_rmap_pte(): one more mapping of an anonymous folio.</summary>
    [KernelSymbol("mm/rmap.c", "folio_add_anon_rmap_ptes")]
    public static void FolioAddAnonRmapPte(Folio folio) => folio.Head.MapCount++;

    /// <summary>folio_add_file_rmap_pte() / hugetlb_add_file_rmap(): one more mapping of a page-cache folio.</summary>
    [KernelSymbol("mm/rmap.c", "folio_add_file_rmap_ptes")]
    public static void FolioAddFileRmapPte(Folio folio) => folio.Head.MapCount++;

    /// <summary>folio_remove_rmap_pte() / hugetlb_remove_rmap(): one mapping fewer (the mapping's reference is put separately).</summary>
    [KernelSymbol("mm/rmap.c", "folio_remove_rmap_ptes")]
    public static void FolioRemoveRmapPte(Folio folio) => folio.Head.MapCount--;

    /// <summary>folio_add_lru(): the folio goes on the LRU (PG_lru).</summary>
    [KernelSymbol("mm/swap.c", "folio_add_lru")]
    public static void FolioAddLru(Folio folio) => folio.Set(PageFlags.Lru);

    /// <summary>
    /// rmap_walk(): every leaf entry of <paramref name="kind"/> that refers to a frame of the folio, found through the
    /// folio's mapping: the KSM stable node's rmap_items, the anon_vma's VMAs, or the file's i_mmap.
    /// </summary>
    [KernelSymbol("mm/rmap.c", "rmap_walk")]
    public static IReadOnlyList<(Vma Vma, ulong Address, PageTableLevel Level, Pte Entry)> RmapWalk(Folio folio, PteKind kind) =>
        Walk(folio.Mapping, folio.Index, folio, kind);

    /// <summary>
    /// try_to_unmap(): removes every present mapping of the folio. An anonymous folio in the swap cache leaves swap
    /// entries for its slot (swap_duplicate each); a file folio's entries are cleared (a dirty entry dirties the
    /// folio). Each mapping's mapcount and reference go.
    /// </summary>
    [KernelSymbol("mm/rmap.c", "try_to_unmap")]
    public static void TryToUnmap(Machine machine, Folio folio)
    {
        using (machine.Tracer.Enter("try_to_unmap"))
        {
            var anon = folio.IsAnon;
            foreach (var (vma, address, level, entry) in RmapWalk(folio, PteKind.Present))
            {
                if (anon && folio.Test(PageFlags.Swapcache))
                {
                    machine.Mm.Swap.SwapDuplicate(folio.Head.SwapOffset);
                    vma.Mm.PageTable.Set(address, Pte.SwapEntry(folio.Head.SwapOffset), level);
                }
                else
                {
                    if (entry.Dirty)
                    {
                        folio.Set(PageFlags.Dirty);
                    }

                    vma.Mm.PageTable.Set(address, Pte.Empty, level);
                }

                FolioRemoveRmapPte(folio);
                machine.PutFolio(folio);
            }
        }
    }

    /// <summary>
    /// try_to_migrate(): every present mapping of the folio becomes a migration entry (writable if the mapping was),
    /// dropping its mapcount and reference, so that nothing can touch the folio while it is copied. A dirty entry
    /// dirties the folio as it goes (try_to_migrate_one), so the data stays dirty whether the migration completes
    /// or is undone.
    /// </summary>
    [KernelSymbol("mm/rmap.c", "try_to_migrate")]
    public static void TryToMigrate(Machine machine, Folio folio)
    {
        using (machine.Tracer.Enter("try_to_migrate"))
        {
            foreach (var (vma, address, level, entry) in RmapWalk(folio, PteKind.Present))
            {
                if (entry.Dirty)
                {
                    folio.Set(PageFlags.Dirty);
                }

                vma.Mm.PageTable.Set(address, Pte.MigrationEntry(entry.Pfn, entry.Write), level);
                FolioRemoveRmapPte(folio);
                machine.PutFolio(folio);
            }
        }
    }

    /// <summary>
    /// remove_migration_ptes(src, dst): every migration entry for <paramref name="src"/> becomes a present mapping of the
    /// same page of <paramref name="dst"/> (dst == src when a migration is undone), taking a mapcount and a reference.
    /// The walk uses dst's mapping, which a successful move has already copied from src.
    /// </summary>
    [KernelSymbol("mm/migrate.c", "remove_migration_ptes")]
    public static void RemoveMigrationPtes(Machine machine, Folio src, Folio dst)
    {
        using (machine.Tracer.Enter("remove_migration_ptes"))
        {
            foreach (var (vma, address, level, entry) in Walk(dst.Mapping, dst.Index, src, PteKind.Migration))
            {
                var pfn = dst.Pfn + (entry.Pfn - src.Pfn);
                vma.Mm.PageTable.Set(address, Pte.Present(pfn, entry.Write), level);
                if (dst.IsAnon)
                {
                    FolioAddAnonRmapPte(dst);
                }
                else
                {
                    FolioAddFileRmapPte(dst);
                }

                dst.Head.RefCount++;
            }
        }
    }

    // The leaves of `kind` that refer to frames of `frames`, in the VMAs that `mapping` reaches at page `index`.
    private static List<(Vma Vma, ulong Address, PageTableLevel Level, Pte Entry)> Walk(IPageMapping? mapping, ulong index, Folio frames, PteKind kind)
    {
        var found = new List<(Vma, ulong, PageTableLevel, Pte)>();
        IEnumerable<(Vma Vma, ulong Start)> candidates = mapping switch
        {
            KsmStableNode ksm => ksm.RmapItems.Select(r => (r.Vma, r.Address)),
            AnonVma anon => anon.Vmas.Select(v => (v, v.AddressOf(index) ?? v.End)),
            AddressSpace file => file.IMmap.Select(v => (v, v.AddressOf(index) ?? v.End)),
            _ => [],
        };
        foreach (var (vma, start) in candidates.ToArray())
        {
            var end = Math.Min(vma.End, start + frames.Size);
            foreach (var leaf in vma.Mm.PageTable.LeavesIn(start, end))
            {
                if (leaf.Entry.Kind == kind && frames.ContainsPfn(leaf.Entry.Pfn))
                {
                    found.Add((vma, leaf.Address, leaf.Level, leaf.Entry));
                }
            }
        }

        return found;
    }
}
