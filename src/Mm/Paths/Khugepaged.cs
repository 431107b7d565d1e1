namespace KernelModel.Mm;

/// <summary>
/// Collapsing small pages into a THP (mm/khugepaged.c), by the khugepaged thread or by madvise(MADV_COLLAPSE).
/// The copy into the new huge page uses copy_mc_user_highpage() (anonymous) or copy_mc_highpage() (file, shmem);
/// a copy that consumes poison ends the collapse with SCAN_COPY_MC and rolls it back: the old page table is put
/// back, the isolated pages return to the LRU (the old page-cache folios stay in the cache) and the new THP is
/// freed. MADV_COLLAPSE reports that as EINVAL.
/// </summary>
public static class Khugepaged
{
    /// <summary>khugepaged_max_ptes_none default: HPAGE_PMD_NR - 1.</summary>
    public const int MaxPtesNone = Memory.HpagePmdNr - 1;

    /// <summary>khugepaged_max_ptes_swap default: HPAGE_PMD_NR / 8.</summary>
    public const int MaxPtesSwap = Memory.HpagePmdNr / 8;

    /// <summary>khugepaged_max_ptes_shared default: HPAGE_PMD_NR / 2.</summary>
    public const int MaxPtesShared = Memory.HpagePmdNr / 2;

    /// <summary>
    /// One step of khugepaged_scan_mm_slot(): the khugepaged thread examines the PMD range at
    /// <paramref name="address"/> of <paramref name="mm"/> (file-backed: hpage_collapse_scan_file, else
    /// hpage_collapse_scan_pmd) and collapses it when it qualifies. The sysfs gates that make khugepaged pick the
    /// VMA (khugepaged_enter_vma) are taken as passed.
    /// </summary>
    [KernelSymbol("mm/khugepaged.c", "khugepaged_scan_mm_slot")]
    public static ScanResult KhugepagedScan(Machine machine, MmStruct mm, ulong address)
    {
        var khugepaged = machine.Mm.Kthread("khugepaged");
        using (machine.CurrentCpu.Enter(khugepaged, CpuMode.Kernel))
        using (machine.Tracer.Enter("khugepaged_scan_mm_slot"))
        {
            var haddr = address & ~(Memory.HpagePmdSize - 1);
            if (mm.FindVma(haddr) is not { } vma)
            {
                return ScanResult.ScanVmaNull;
            }

            var result = ScanVma(machine, mm, vma, haddr, isKhugepaged: true);
            if (result == ScanResult.ScanPteMappedHugepage)
            {
                result = CollapsePteMappedThp(machine, mm, haddr, installPmd: false);
                result = result == ScanResult.ScanPmdMapped ? ScanResult.ScanSucceed : result;
            }

            machine.Tracer.Note("khugepaged: " + result.KernelName());
            return result;
        }
    }

    /// <summary>
    /// madvise(MADV_COLLAPSE) via madvise_collapse(): collapses every aligned 2 MiB range in
    /// [<paramref name="start"/>, <paramref name="start"/> + <paramref name="len"/>) in <paramref name="task"/>'s
    /// context, without khugepaged's limits. 0 when all were collapsed, else madvise_collapse_errno() of the last
    /// failure (SCAN_COPY_MC: -EINVAL). The range must lie in one VMA (madvise's walk over several is not
    /// modelled); an unmapped range is -ENOMEM, a hugetlb or VM_NOHUGEPAGE one -EINVAL.
    /// </summary>
    [KernelSymbol("mm/khugepaged.c", "madvise_collapse")]
    public static int MadviseCollapse(Machine machine, TaskStruct task, ulong start, ulong len)
    {
        var mm = task.Mm ?? throw new ArgumentException($"{task} has no mm", nameof(task));
        using (machine.CurrentCpu.Enter(task, CpuMode.Kernel))
        using (machine.Tracer.Enter("madvise_collapse"))
        {
            var end = start + len;
            if (mm.FindVma(start) is not { } vma || end > vma.End)
            {
                return -Errno.ENOMEM;
            }

            if (vma.IsHugetlb || (vma.Flags & VmFlags.Nohugepage) != 0)
            {
                return -Errno.EINVAL;
            }

            var hstart = (start + Memory.HpagePmdSize - 1) & ~(Memory.HpagePmdSize - 1);
            var hend = end & ~(Memory.HpagePmdSize - 1);
            var thps = 0UL;
            var lastFail = ScanResult.ScanFail;
            for (var addr = hstart; addr < hend; addr += Memory.HpagePmdSize)
            {
                var result = ScanVma(machine, mm, vma, addr, isKhugepaged: false);
                if (result == ScanResult.ScanPteMappedHugepage)
                {
                    result = CollapsePteMappedThp(machine, mm, addr, installPmd: true);
                }

                if (result is ScanResult.ScanSucceed or ScanResult.ScanPmdMapped)
                {
                    thps++;
                    continue;
                }

                lastFail = result;
                if (result is not (ScanResult.ScanPmdNull or ScanResult.ScanPteNonPresent or ScanResult.ScanPteUffdWp or ScanResult.ScanPageRo or
                    ScanResult.ScanLackReferencedPage or ScanResult.ScanPageNull or ScanResult.ScanPageCount or ScanResult.ScanPageLock or
                    ScanResult.ScanPageCompound or ScanResult.ScanPageLru or ScanResult.ScanDelPageLru))
                {
                    break;
                }
            }

            return thps == (hend - hstart) / Memory.HpagePmdSize ? 0 : MadviseCollapseErrno(lastFail);
        }
    }

    /// <summary>madvise_collapse_errno(): ENOMEM, EBUSY and EAGAIN for resource problems; anything else, SCAN_COPY_MC included, is EINVAL.</summary>
    [KernelSymbol("mm/khugepaged.c", "madvise_collapse_errno")]
    public static int MadviseCollapseErrno(ScanResult result) => result switch
    {
        ScanResult.ScanAllocHugePageFail => -Errno.ENOMEM,
        ScanResult.ScanCgroupChargeFail or ScanResult.ScanExceedNonePte => -Errno.EBUSY,
        ScanResult.ScanPageCount or ScanResult.ScanPageLock or ScanResult.ScanPageLru or ScanResult.ScanDelPageLru or ScanResult.ScanPageFilled => -Errno.EAGAIN,
        _ => -Errno.EINVAL,
    };

    private static ScanResult ScanVma(Machine machine, MmStruct mm, Vma vma, ulong haddr, bool isKhugepaged)
    {
        if (haddr < vma.Start || haddr + Memory.HpagePmdSize > vma.End)
        {
            return ScanResult.ScanAddressRange;
        }

        if (vma.File is { } file)
        {
            return file.Kind is InodeKind.Shmem or InodeKind.Regular
                ? HpageCollapseScanFile(machine, file, vma.LinearPageIndex(haddr), isKhugepaged)
                : ScanResult.ScanVmaCheck;
        }

        return TransHuge.ThpVmaAllowable(machine, vma, haddr, enforceSysfs: false)
            ? HpageCollapseScanPmd(machine, mm, vma, haddr, isKhugepaged)
            : ScanResult.ScanVmaCheck;
    }

    /// <summary>find_pmd_or_thp_or_none(): PMD-mapped already, nothing mapped in the range, or a page table to scan.</summary>
    [KernelSymbol("mm/khugepaged.c", "find_pmd_or_thp_or_none")]
    private static ScanResult FindPmdOrThpOrNone(MmStruct mm, ulong haddr)
    {
        var (_, level) = mm.PageTable.Walk(haddr);
        if (level == PageTableLevel.Pmd)
        {
            return ScanResult.ScanPmdMapped;
        }

        return mm.PageTable.AnyLeafIn(haddr, haddr + Memory.HpagePmdSize) ? ScanResult.ScanSucceed : ScanResult.ScanPmdNone;
    }

    /// <summary>
    /// hpage_collapse_scan_pmd(): checks the 512 PTEs of an anonymous range (khugepaged's limits on empty, swap
    /// and shared entries; every page anonymous, on the LRU, unlocked and held only by its mappings; at least one
    /// writable entry) and collapses it.
    /// </summary>
    [KernelSymbol("mm/khugepaged.c", "hpage_collapse_scan_pmd")]
    private static ScanResult HpageCollapseScanPmd(Machine machine, MmStruct mm, Vma vma, ulong haddr, bool isKhugepaged)
    {
        using (machine.Tracer.Enter("hpage_collapse_scan_pmd"))
        {
            var result = FindPmdOrThpOrNone(mm, haddr);
            if (result != ScanResult.ScanSucceed)
            {
                return result;
            }

            int noneOrZero = 0, unmapped = 0, shared = 0, referenced = 0;
            var writable = false;
            for (var i = 0; i < Memory.HpagePmdNr; i++)
            {
                var address = haddr + ((ulong)i << PhysicalMemory.PageShift);
                var (pte, _) = mm.PageTable.Walk(address);
                if (!pte.IsNone && !pte.IsPresent)
                {
                    unmapped++;
                    if (isKhugepaged && unmapped > MaxPtesSwap)
                    {
                        return ScanResult.ScanExceedSwapPte;
                    }

                    continue;
                }

                if (pte.IsNone || machine.Mm.IsZeroPfn(pte.Pfn))
                {
                    noneOrZero++;
                    if (isKhugepaged && noneOrZero > MaxPtesNone)
                    {
                        return ScanResult.ScanExceedNonePte;
                    }

                    continue;
                }

                writable |= pte.Write;
                var folio = machine.Memory.PfnToPage(pte.Pfn).Folio;
                if (!folio.IsAnon)
                {
                    return ScanResult.ScanPageAnon;
                }

                if (folio.MapCount > 1)
                {
                    shared++;
                    if (isKhugepaged && shared > MaxPtesShared)
                    {
                        return ScanResult.ScanExceedSharedPte;
                    }
                }

                if (!folio.Test(PageFlags.Lru))
                {
                    return ScanResult.ScanPageLru;
                }

                if (folio.Test(PageFlags.Locked))
                {
                    return ScanResult.ScanPageLock;
                }

                if (!IsRefcountSuitable(folio))
                {
                    return ScanResult.ScanPageCount;
                }

                // Every PTE the model installs is young (the accessed bit is set when it is created and never aged).
                referenced++;
            }

            if (!writable)
            {
                return ScanResult.ScanPageRo;
            }

            if (isKhugepaged && (referenced == 0 || (unmapped > 0 && referenced < Memory.HpagePmdNr / 2)))
            {
                return ScanResult.ScanLackReferencedPage;
            }

            return CollapseHugePage(machine, mm, haddr, unmapped, isKhugepaged);
        }
    }

    /// <summary>is_refcount_suitable(): nothing holds the folio beyond its mappings (and the swap cache).</summary>
    [KernelSymbol("mm/khugepaged.c", "is_refcount_suitable")]
    private static bool IsRefcountSuitable(Folio folio) => folio.RefCount == folio.MapCount + (folio.Test(PageFlags.Swapcache) ? 1 : 0);

    /// <summary>
    /// collapse_huge_page(): allocates the THP, swaps in what was swapped out, detaches the PTE table from the PMD
    /// (pmdp_collapse_flush: the range is unmapped meanwhile), isolates the pages, copies them
    /// (__collapse_huge_page_copy) and on success maps the THP with one PMD. Any failure puts the PTE table back
    /// and frees the THP.
    /// </summary>
    [KernelSymbol("mm/khugepaged.c", "collapse_huge_page")]
    private static ScanResult CollapseHugePage(Machine machine, MmStruct mm, ulong haddr, int unmapped, bool isKhugepaged)
    {
        using (machine.Tracer.Enter("collapse_huge_page"))
        {
            if (machine.Allocator.AllocFolio(Memory.HpagePmdOrder) is not { } folio)
            {
                return ScanResult.ScanAllocHugePageFail;
            }

            var vma = mm.FindVma(haddr)!;
            var result = unmapped > 0 ? CollapseHugePageSwapin(machine, vma, haddr) : ScanResult.ScanSucceed;
            if (result == ScanResult.ScanSucceed)
            {
                var table = mm.PageTable;
                var saved = table.PtesIn(haddr, haddr + Memory.HpagePmdSize).ToList();
                foreach (var (address, _) in saved)
                {
                    table.Clear(address);
                }

                var isolated = new List<Folio>();
                result = CollapseHugePageIsolate(machine, saved, isolated, isKhugepaged);
                if (result == ScanResult.ScanSucceed)
                {
                    result = CollapseHugePageCopy(machine, table, saved, isolated, folio, vma, haddr);
                }
                else
                {
                    Restore(table, saved);
                }

                if (result == ScanResult.ScanSucceed)
                {
                    Rmap.FolioAddNewAnonRmap(machine, folio, vma, haddr, exclusive: true);
                    Rmap.FolioAddLru(folio);
                    table.Set(haddr, Pte.Present(folio.Pfn, Memory.MaybeMkwrite(vma), dirty: true), PageTableLevel.Pmd);
                    return result;
                }
            }

            machine.PutFolio(folio);
            return result;
        }
    }

    /// <summary>__collapse_huge_page_swapin(): do_swap_page() for each swap entry; any failure is SCAN_FAIL.</summary>
    [KernelSymbol("mm/khugepaged.c", "__collapse_huge_page_swapin")]
    private static ScanResult CollapseHugePageSwapin(Machine machine, Vma vma, ulong haddr)
    {
        using (machine.Tracer.Enter("__collapse_huge_page_swapin"))
        {
            foreach (var (address, pte) in vma.Mm.PageTable.PtesIn(haddr, haddr + Memory.HpagePmdSize).ToList())
            {
                if (!pte.IsPresent && (SwapFault.DoSwapPage(machine, vma, address, pte, FaultFlags.None) & Memory.VmFaultError) != 0)
                {
                    return ScanResult.ScanFail;
                }
            }

            return ScanResult.ScanSucceed;
        }
    }

    /// <summary>
    /// __collapse_huge_page_isolate(): locks and isolates every page of the detached table (once per folio), with
    /// the same checks as the scan; on failure the pages isolated so far are released.
    /// </summary>
    [KernelSymbol("mm/khugepaged.c", "__collapse_huge_page_isolate")]
    private static ScanResult CollapseHugePageIsolate(Machine machine, List<(ulong Address, Pte Entry)> ptes, List<Folio> isolated, bool isKhugepaged)
    {
        using (machine.Tracer.Enter("__collapse_huge_page_isolate"))
        {
            var noneOrZero = 0;
            var writable = false;
            var result = ScanResult.ScanSucceed;
            foreach (var (_, pte) in ptes)
            {
                if (pte.IsPresent && machine.Mm.IsZeroPfn(pte.Pfn))
                {
                    noneOrZero++;
                    if (isKhugepaged && noneOrZero > MaxPtesNone)
                    {
                        result = ScanResult.ScanExceedNonePte;
                        break;
                    }

                    continue;
                }

                if (!pte.IsPresent)
                {
                    result = ScanResult.ScanPteNonPresent;
                    break;
                }

                writable |= pte.Write;
                var folio = machine.Memory.PfnToPage(pte.Pfn).Folio;
                if (isolated.Contains(folio))
                {
                    continue;
                }

                if (folio.Test(PageFlags.Locked))
                {
                    result = ScanResult.ScanPageLock;
                    break;
                }

                folio.Set(PageFlags.Locked);
                if (!IsRefcountSuitable(folio))
                {
                    folio.Clear(PageFlags.Locked);
                    result = ScanResult.ScanPageCount;
                    break;
                }

                if (!Migrate.IsolateFolio(folio))
                {
                    folio.Clear(PageFlags.Locked);
                    result = ScanResult.ScanDelPageLru;
                    break;
                }

                isolated.Add(folio);
            }

            if (result == ScanResult.ScanSucceed && !writable)
            {
                result = ScanResult.ScanPageRo;
            }

            if (result != ScanResult.ScanSucceed)
            {
                ReleasePtePages(machine, isolated);
            }

            return result;
        }
    }

    /// <summary>
    /// __collapse_huge_page_copy(): each subpage of the THP is cleared for an empty or zero-page entry or copied
    /// with copy_mc_user_highpage(); a failed copy stops with SCAN_COPY_MC and __collapse_huge_page_copy_failed()
    /// puts the old PTE table back and releases the isolated pages. On success the old pages are unmapped and freed.
    /// </summary>
    [KernelSymbol("mm/khugepaged.c", "__collapse_huge_page_copy")]
    private static ScanResult CollapseHugePageCopy(Machine machine, PageTable table, List<(ulong Address, Pte Entry)> ptes, List<Folio> isolated,
        Folio folio, Vma vma, ulong haddr)
    {
        using (machine.Tracer.Enter("__collapse_huge_page_copy"))
        {
            var byAddress = ptes.ToDictionary(p => p.Address, p => p.Entry);
            var result = ScanResult.ScanSucceed;
            for (ulong i = 0; i < Memory.HpagePmdNr; i++)
            {
                var address = haddr + (i << PhysicalMemory.PageShift);
                var dst = folio.PageAt(machine.Memory, i);
                if (!byAddress.TryGetValue(address, out var pte) || machine.Mm.IsZeroPfn(pte.Pfn))
                {
                    Highmem.ClearHighpage(machine, dst);
                    continue;
                }

                if (Highmem.CopyFailed(machine, Highmem.CopyMcUserHighpage(machine, dst, machine.Memory.PfnToPage(pte.Pfn), address, vma)))
                {
                    result = ScanResult.ScanCopyMc;
                    break;
                }
            }

            if (result == ScanResult.ScanSucceed)
            {
                using (machine.Tracer.Enter("__collapse_huge_page_copy_succeeded"))
                {
                    ReleasePtePages(machine, isolated);
                    foreach (var (_, pte) in ptes.Where(p => !machine.Mm.IsZeroPfn(p.Entry.Pfn)))
                    {
                        var old = machine.Memory.PfnToPage(pte.Pfn).Folio;
                        Rmap.FolioRemoveRmapPte(old);
                        machine.PutFolio(old);
                    }
                }

                return result;
            }

            using (machine.Tracer.Enter("__collapse_huge_page_copy_failed"))
            {
                Restore(table, ptes);
                ReleasePtePages(machine, isolated);
            }

            machine.Tracer.Note("__collapse_huge_page_copy: SCAN_COPY_MC");
            return result;
        }
    }

    /// <summary>release_pte_pages(): unlocks the isolated folios and puts them back on the LRU.</summary>
    [KernelSymbol("mm/khugepaged.c", "release_pte_pages")]
    private static void ReleasePtePages(Machine machine, List<Folio> isolated)
    {
        using (machine.Tracer.Enter("release_pte_pages"))
        {
            foreach (var folio in isolated)
            {
                folio.Clear(PageFlags.Locked);
            }

            Migrate.PutbackMovablePages(machine, isolated);
        }
    }

    // pmd_populate() with the original table: every saved entry comes back.
    private static void Restore(PageTable table, List<(ulong Address, Pte Entry)> ptes)
    {
        foreach (var (address, pte) in ptes)
        {
            table.Set(address, pte);
        }
    }

    /// <summary>
    /// hpage_collapse_scan_file(): the file's folios in the range must be order 0, on the LRU and referenced only by
    /// the cache and their mappings; khugepaged also wants at least HPAGE_PMD_NR - max_ptes_none of them present.
    /// </summary>
    [KernelSymbol("mm/khugepaged.c", "hpage_collapse_scan_file")]
    private static ScanResult HpageCollapseScanFile(Machine machine, Inode file, ulong start, bool isKhugepaged)
    {
        using (machine.Tracer.Enter("hpage_collapse_scan_file"))
        {
            var present = 0;
            for (var index = start; index < start + Memory.HpagePmdNr; index++)
            {
                if (file.Mapping.Lookup(index) is not { } folio)
                {
                    continue;
                }

                if (folio.IsLarge)
                {
                    return folio.Order == Memory.HpagePmdOrder && folio.Index == start ? ScanResult.ScanPteMappedHugepage : ScanResult.ScanPageCompound;
                }

                if (!folio.Test(PageFlags.Lru))
                {
                    return ScanResult.ScanPageLru;
                }

                if (folio.RefCount != 1 + folio.MapCount)
                {
                    return ScanResult.ScanPageCount;
                }

                present++;
            }

            if (isKhugepaged && present < Memory.HpagePmdNr - MaxPtesNone)
            {
                return ScanResult.ScanExceedNonePte;
            }

            return CollapseFile(machine, file, start, isKhugepaged);
        }
    }

    /// <summary>
    /// collapse_file(): locks, isolates and unmaps the old folios (reading absent ones of a regular file in; shmem
    /// holes count as nr_none), copies them into the new THP with copy_mc_highpage(), clearing holes, and only then
    /// replaces them in the page cache. A failed copy (SCAN_COPY_MC) rolls back: the old folios are unlocked and put
    /// back, still in the page cache, and the THP is freed. MADV_COLLAPSE's success is SCAN_PTE_MAPPED_HUGEPAGE.
    /// </summary>
    [KernelSymbol("mm/khugepaged.c", "collapse_file")]
    private static ScanResult CollapseFile(Machine machine, Inode file, ulong start, bool isKhugepaged)
    {
        using (machine.Tracer.Enter("collapse_file"))
        {
            var isShmem = file.Kind == InodeKind.Shmem;
            if (machine.Allocator.AllocFolio(Memory.HpagePmdOrder) is not { } newFolio)
            {
                return ScanResult.ScanAllocHugePageFail;
            }

            newFolio.Set(PageFlags.Locked | (isShmem ? PageFlags.Swapbacked : PageFlags.None));
            newFolio.Head.Index = start;
            newFolio.Head.Mapping = file.Mapping;
            var pagelist = new List<Folio>();
            var result = ScanResult.ScanSucceed;
            var end = start + Memory.HpagePmdNr;
            for (var index = start; index < end && result == ScanResult.ScanSucceed; index++)
            {
                var folio = file.Mapping.Lookup(index);
                if (folio is null)
                {
                    if (isShmem)
                    {
                        if (index == start && !file.Mapping.Pages.Keys.Any(k => k >= start && k < end))
                        {
                            result = ScanResult.ScanTruncated;
                        }

                        continue;
                    }

                    // page_cache_sync_readahead() then filemap_lock_folio().
                    folio = machine.Filemap.ReadCacheFolio(file, index);
                    if (folio is null)
                    {
                        result = ScanResult.ScanFail;
                        continue;
                    }
                }
                else if (!isShmem && (folio.Value.Test(PageFlags.Dirty) || folio.Value.Test(PageFlags.Writeback)))
                {
                    result = ScanResult.ScanFail;
                    continue;
                }

                result = CollapseFileTakeFolio(machine, folio.Value, start, pagelist);
            }

            if (result == ScanResult.ScanSucceed)
            {
                result = CollapseFileCopy(machine, newFolio, start, pagelist);
            }

            if (result != ScanResult.ScanSucceed)
            {
                using (machine.Tracer.Enter("collapse_file_rollback"))
                {
                    foreach (var folio in pagelist)
                    {
                        folio.Clear(PageFlags.Locked);
                        Rmap.FolioAddLru(folio);
                        machine.PutFolio(folio);
                        machine.PutFolio(folio);
                    }

                    newFolio.Head.Mapping = null;
                    newFolio.Clear(PageFlags.Locked);
                    machine.PutFolio(newFolio);
                }

                return result;
            }

            // The THP replaces the small folios in the page cache; the old ones lose the cache, pin and isolation references.
            foreach (var index in file.Mapping.Pages.Keys.Where(k => k >= start && k < end).ToList())
            {
                file.Mapping.Pages.Remove(index);
            }

            file.Mapping.Pages.Add(start, newFolio);
            newFolio.Set(PageFlags.Uptodate | (isShmem ? PageFlags.Dirty : PageFlags.None));
            Rmap.FolioAddLru(newFolio);
            newFolio.Clear(PageFlags.Locked);
            foreach (var folio in pagelist)
            {
                folio.Head.Mapping = null;
                folio.Clear(PageFlags.Locked | PageFlags.Active | PageFlags.Unevictable);
                machine.PutFolio(folio);
                machine.PutFolio(folio);
                machine.PutFolio(folio);
            }

            return isKhugepaged ? ScanResult.ScanSucceed : ScanResult.ScanPteMappedHugepage;
        }
    }

    // One old folio of collapse_file(): lock and pin, checks, isolate, unmap, and the refcount must then be 3.
    private static ScanResult CollapseFileTakeFolio(Machine machine, Folio folio, ulong start, List<Folio> pagelist)
    {
        if (folio.Test(PageFlags.Locked))
        {
            return ScanResult.ScanPageLock;
        }

        folio.Set(PageFlags.Locked);
        folio.Head.RefCount++;
        var result = ScanResult.ScanSucceed;
        if (!folio.Test(PageFlags.Uptodate))
        {
            result = ScanResult.ScanFail;
        }
        else if (folio.IsLarge)
        {
            result = folio.Order == Memory.HpagePmdOrder && folio.Index == start ? ScanResult.ScanPteMappedHugepage : ScanResult.ScanPageCompound;
        }
        else if (!Migrate.IsolateFolio(folio))
        {
            result = ScanResult.ScanDelPageLru;
        }
        else
        {
            if (folio.MapCount > 0)
            {
                Rmap.TryToUnmap(machine, folio);
            }

            if (folio.RefCount == 3)
            {
                pagelist.Add(folio);
                return result;
            }

            result = ScanResult.ScanPageCount;
            Rmap.FolioAddLru(folio);
            machine.PutFolio(folio);
        }

        folio.Clear(PageFlags.Locked);
        machine.PutFolio(folio);
        return result;
    }

    // collapse_file()'s copy loop: holes cleared, each old folio copied with copy_mc_highpage().
    private static ScanResult CollapseFileCopy(Machine machine, Folio newFolio, ulong start, List<Folio> pagelist)
    {
        var index = start;
        foreach (var folio in pagelist)
        {
            for (; index < folio.Index; index++)
            {
                Highmem.ClearHighpage(machine, newFolio.PageAt(machine.Memory, index - start));
            }

            if (Highmem.CopyFailed(machine, Highmem.CopyMcHighpage(machine, newFolio.PageAt(machine.Memory, index - start), folio.Head)))
            {
                machine.Tracer.Note("collapse_file: SCAN_COPY_MC");
                return ScanResult.ScanCopyMc;
            }

            index++;
        }

        for (; index < start + Memory.HpagePmdNr; index++)
        {
            Highmem.ClearHighpage(machine, newFolio.PageAt(machine.Memory, index - start));
        }

        return ScanResult.ScanSucceed;
    }

    /// <summary>
    /// collapse_pte_mapped_thp(): once the page cache holds the THP, any PTEs still mapping its pages are removed
    /// and, for MADV_COLLAPSE, the THP is mapped read-only with one PMD (set_huge_pmd).
    /// </summary>
    [KernelSymbol("mm/khugepaged.c", "collapse_pte_mapped_thp")]
    private static ScanResult CollapsePteMappedThp(Machine machine, MmStruct mm, ulong haddr, bool installPmd)
    {
        using (machine.Tracer.Enter("collapse_pte_mapped_thp"))
        {
            if (mm.FindVma(haddr) is not { File: { } file } vma || haddr + Memory.HpagePmdSize > vma.End)
            {
                return ScanResult.ScanVmaCheck;
            }

            if (FindPmdOrThpOrNone(mm, haddr) == ScanResult.ScanPmdMapped)
            {
                return ScanResult.ScanPmdMapped;
            }

            if (file.Mapping.Lookup(vma.LinearPageIndex(haddr)) is not { } folio || folio.Order != Memory.HpagePmdOrder)
            {
                return ScanResult.ScanPageCompound;
            }

            foreach (var (address, pte) in mm.PageTable.PtesIn(haddr, haddr + Memory.HpagePmdSize).ToList())
            {
                if (pte.IsPresent && folio.ContainsPfn(pte.Pfn))
                {
                    mm.PageTable.Clear(address);
                    Rmap.FolioRemoveRmapPte(folio);
                    machine.PutFolio(folio);
                }
                else if (!pte.IsNone)
                {
                    return ScanResult.ScanFail;
                }
            }

            if (installPmd)
            {
                Rmap.FolioAddFileRmapPte(folio);
                folio.Head.RefCount++;
                mm.PageTable.Set(haddr, Pte.Present(folio.Pfn, write: false), PageTableLevel.Pmd);
            }

            return ScanResult.ScanSucceed;
        }
    }
}
