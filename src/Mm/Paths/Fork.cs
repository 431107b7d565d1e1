namespace KernelModel.Mm;

/// <summary>
/// fork() of an address space (kernel/fork.c dup_mm, mm/memory.c copy_page_range). Anonymous pages are shared
/// copy-on-write: both PTEs write-protected, one more mapping and reference, the same anon_vma. Only a page the
/// child must not share, an exclusive anonymous page that may be DMA-pinned, is copied with
/// copy_mc_user_highpage(); if that copy consumes poison copy_present_page() fails with -EHWPOISON,
/// copy_pmd_range() turns it into -ENOMEM (hugetlb returns -EHWPOISON straight from copy_page_range), dup_mm()
/// tears the half-built child down and fork() fails with ENOMEM: no child, the parent as it was.
/// </summary>
public static class Fork
{
    /// <summary>
    /// kernel_clone() for fork(): the child's pid, or a negative errno (-ENOMEM when the address space could not be
    /// duplicated). Runs in the parent's kernel context.
    /// </summary>
    [KernelSymbol("kernel/fork.c", "kernel_clone")]
    public static int KernelClone(Machine machine, TaskStruct parent)
    {
        var oldmm = parent.Mm ?? throw new ArgumentException($"{parent} has no mm", nameof(parent));
        using (machine.CurrentCpu.Enter(parent, CpuMode.Kernel))
        using (machine.Tracer.Enter("kernel_clone"))
        using (machine.Tracer.Enter("copy_process"))
        {
            MmStruct? mm;
            using (machine.Tracer.Enter("copy_mm"))
            {
                mm = DupMm(machine, oldmm);
                if (mm is null)
                {
                    machine.Tracer.Note("copy_mm: -ENOMEM");
                    return -Errno.ENOMEM;
                }
            }

            return machine.Tasks.CreateProcess(parent.Comm, mm, parent).Pid;
        }
    }

    /// <summary>dup_mm(): a copy of the address space, or null (the partial copy torn down) when dup_mmap() failed.</summary>
    [KernelSymbol("kernel/fork.c", "dup_mm")]
    private static MmStruct? DupMm(Machine machine, MmStruct oldmm)
    {
        using (machine.Tracer.Enter("dup_mm"))
        {
            var mm = new MmStruct();
            if (DupMmap(machine, mm, oldmm) != 0)
            {
                Unmap.ExitMmap(machine, mm);
                return null;
            }

            return mm;
        }
    }

    /// <summary>dup_mmap(): each VMA not VM_DONTCOPY is duplicated (sharing the anon_vma) and, unless VM_WIPEONFORK, its entries copied.</summary>
    [KernelSymbol("kernel/fork.c", "dup_mmap")]
    private static int DupMmap(Machine machine, MmStruct mm, MmStruct oldmm)
    {
        using (machine.Tracer.Enter("dup_mmap"))
        {
            foreach (var vma in oldmm.Vmas)
            {
                if ((vma.Flags & VmFlags.DontCopy) != 0)
                {
                    continue;
                }

                var tmp = mm.InsertVma(vma.Start, vma.End, vma.Flags, vma.File, vma.PgOff);
                tmp.Hstate = vma.Hstate;
                if ((vma.Flags & VmFlags.WipeOnFork) == 0 && vma.AnonVma is { } anonVma)
                {
                    tmp.AnonVma = anonVma;
                    anonVma.Link(tmp);
                }

                if ((vma.Flags & VmFlags.WipeOnFork) == 0)
                {
                    var ret = CopyPageRange(machine, tmp, vma);
                    if (ret != 0)
                    {
                        return ret;
                    }
                }
            }

            return 0;
        }
    }

    /// <summary>
    /// copy_page_range(): nothing to copy for a VMA without anonymous pages (the child faults the file back in);
    /// hugetlb goes to copy_hugetlb_page_range(), whose error is returned as is; otherwise each PMD range is copied
    /// and any failure becomes -ENOMEM (copy_pmd_range).
    /// </summary>
    [KernelSymbol("mm/memory.c", "copy_page_range")]
    private static int CopyPageRange(Machine machine, Vma dst, Vma src)
    {
        using (machine.Tracer.Enter("copy_page_range"))
        {
            if (src.AnonVma is null && (src.Flags & (VmFlags.Pfnmap | VmFlags.Mixedmap)) == 0)
            {
                return 0;
            }

            if (src.IsHugetlb)
            {
                return Hugetlb.CopyHugetlbPageRange(machine, dst, src);
            }

            for (var addr = src.Start & ~(Memory.HpagePmdSize - 1); addr < src.End; addr += Memory.HpagePmdSize)
            {
                if (CopyPmdRange(machine, dst, src, Math.Max(addr, src.Start), Math.Min(addr + Memory.HpagePmdSize, src.End)) != 0)
                {
                    return -Errno.ENOMEM;
                }
            }

            return 0;
        }
    }

    /// <summary>copy_pmd_range(): a PMD-mapped THP is shared whole (or split when it must not be); PTEs go to copy_pte_range().</summary>
    [KernelSymbol("mm/memory.c", "copy_pmd_range")]
    private static int CopyPmdRange(Machine machine, Vma dst, Vma src, ulong start, ulong end)
    {
        using (machine.Tracer.Enter("copy_pmd_range"))
        {
            var (pmd, level) = src.Mm.PageTable.Walk(start);
            if (level == PageTableLevel.Pmd && CopyHugePmd(machine, dst, src, start & ~(Memory.HpagePmdSize - 1), pmd) == 0)
            {
                return 0;
            }

            return CopyPteRange(machine, dst, src, start, end);
        }
    }

    /// <summary>
    /// copy_huge_pmd(): shares a PMD-mapped anonymous THP (both PMDs write-protected). A THP that may be pinned
    /// while exclusive is split instead and -EAGAIN sends its pages through the PTE-level copy.
    /// </summary>
    [KernelSymbol("mm/huge_memory.c", "copy_huge_pmd")]
    private static int CopyHugePmd(Machine machine, Vma dst, Vma src, ulong haddr, Pte pmd)
    {
        using (machine.Tracer.Enter("copy_huge_pmd"))
        {
            var folio = machine.Memory.PfnToPage(pmd.Pfn).Folio;
            if (folio.IsAnon && folio.Head.Test(PageFlags.AnonExclusive) && Gup.FolioNeedsCowForDma(src, folio))
            {
                TransHuge.SplitHugePmd(machine, src, haddr);
                return -Errno.EAGAIN;
            }

            ClearAnonExclusive(machine, folio);
            Rmap.FolioAddAnonRmapPte(folio);
            folio.Head.RefCount++;
            var shared = pmd;
            if (Memory.IsCowMapping(src.Flags) && pmd.Write)
            {
                shared = pmd with { Write = false };
                src.Mm.PageTable.Set(haddr, shared, PageTableLevel.Pmd);
            }

            dst.Mm.PageTable.Set(haddr, shared, PageTableLevel.Pmd);
            return 0;
        }
    }

    /// <summary>
    /// copy_pte_range(): copies each entry; when a page must be copied and no page is preallocated it allocates one
    /// (folio_prealloc) and retries the entry. -EHWPOISON stops the loop. The unused preallocated page is freed.
    /// </summary>
    [KernelSymbol("mm/memory.c", "copy_pte_range")]
    private static int CopyPteRange(Machine machine, Vma dst, Vma src, ulong start, ulong end)
    {
        using (machine.Tracer.Enter("copy_pte_range"))
        {
            Folio? prealloc = null;
            var ret = 0;
            foreach (var (addr, pte) in src.Mm.PageTable.PtesIn(start, end).ToList())
            {
                if (!pte.IsPresent)
                {
                    CopyNonpresentPte(machine, dst, src, addr, pte);
                    continue;
                }

                ret = CopyPresentPte(machine, dst, src, addr, pte, ref prealloc);
                if (ret == -Errno.EAGAIN)
                {
                    prealloc = machine.Allocator.AllocFolio(0);
                    if (prealloc is null)
                    {
                        return -Errno.ENOMEM;
                    }

                    ret = CopyPresentPte(machine, dst, src, addr, pte, ref prealloc);
                }

                if (ret != 0)
                {
                    break;
                }
            }

            if (prealloc is { } unused)
            {
                machine.PutFolio(unused);
            }

            return ret;
        }
    }

    /// <summary>copy_nonpresent_pte(): a swap entry takes another slot reference; hwpoison and migration entries are copied as they are.</summary>
    [KernelSymbol("mm/memory.c", "copy_nonpresent_pte")]
    private static void CopyNonpresentPte(Machine machine, Vma dst, Vma src, ulong addr, Pte pte)
    {
        using (machine.Tracer.Enter("copy_nonpresent_pte"))
        {
            if (pte.Kind == PteKind.Swap)
            {
                machine.Mm.Swap.SwapDuplicate(pte.SwapOffset);
            }
            else if (pte.Kind == PteKind.Migration && pte.Write && Memory.IsCowMapping(src.Flags))
            {
                pte = pte with { Write = false };
                src.Mm.PageTable.Set(addr, pte);
            }

            dst.Mm.PageTable.Set(addr, pte);
        }
    }

    /// <summary>
    /// copy_present_pte(): the child shares the parent's page (write-protected in both in a COW mapping) unless
    /// folio_try_dup_anon_rmap_pte() refuses, in which case the page is copied by copy_present_page().
    /// </summary>
    [KernelSymbol("mm/memory.c", "copy_present_ptes")]
    private static int CopyPresentPte(Machine machine, Vma dst, Vma src, ulong addr, Pte pte, ref Folio? prealloc)
    {
        using (machine.Tracer.Enter("copy_present_ptes"))
        {
            if (Rmap.VmNormalPage(machine, pte) is { } page)
            {
                var folio = page.Folio;
                folio.Head.RefCount++;
                if (folio.IsAnon)
                {
                    if (FolioTryDupAnonRmapPte(folio, page, src) != 0)
                    {
                        machine.PutFolio(folio);
                        return CopyPresentPage(machine, dst, src, addr, page, ref prealloc);
                    }

                    if (folio.Mapping is KsmStableNode ksm)
                    {
                        ksm.AddRmapItem(dst, addr);
                    }
                }
                else
                {
                    Rmap.FolioAddFileRmapPte(folio);
                }
            }

            if (Memory.IsCowMapping(src.Flags) && pte.Write)
            {
                pte = pte with { Write = false };
                src.Mm.PageTable.Set(addr, pte);
            }

            dst.Mm.PageTable.Set(addr, (src.Flags & VmFlags.Shared) != 0 ? pte with { Dirty = false } : pte);
            return 0;
        }
    }

    /// <summary>
    /// folio_try_dup_anon_rmap_pte(): -EBUSY when the page is exclusive and may be pinned (the child must get a
    /// copy); otherwise the page stops being exclusive and gains the child's mapping.
    /// </summary>
    [KernelSymbol("include/linux/rmap.h", "folio_try_dup_anon_rmap_pte")]
    private static int FolioTryDupAnonRmapPte(Folio folio, Page page, Vma src)
    {
        if (page.Test(PageFlags.AnonExclusive) && Gup.FolioNeedsCowForDma(src, folio))
        {
            return -Errno.EBUSY;
        }

        page.Clear(PageFlags.AnonExclusive);
        Rmap.FolioAddAnonRmapPte(folio);
        return 0;
    }

    /// <summary>
    /// copy_present_page(): the child gets its own copy of the page in the preallocated folio: -EAGAIN when there is
    /// none yet, -EHWPOISON when copy_mc_user_highpage() consumed poison (the parent's page and PTE untouched).
    /// </summary>
    [KernelSymbol("mm/memory.c", "copy_present_page")]
    private static int CopyPresentPage(Machine machine, Vma dst, Vma src, ulong addr, Page page, ref Folio? prealloc)
    {
        using (machine.Tracer.Enter("copy_present_page"))
        {
            if (prealloc is not { } copy)
            {
                return -Errno.EAGAIN;
            }

            if (Highmem.CopyMcUserHighpage(machine, copy.Head, page, addr, src) != 0)
            {
                machine.Tracer.Note("copy_present_page: -EHWPOISON");
                return -Errno.EHWPOISON;
            }

            prealloc = null;
            Rmap.FolioAddNewAnonRmap(machine, copy, dst, addr, exclusive: true);
            Rmap.FolioAddLru(copy);
            dst.Mm.PageTable.Set(addr, Pte.Present(copy.Pfn, Memory.MaybeMkwrite(dst), dirty: true));
            return 0;
        }
    }

    private static void ClearAnonExclusive(Machine machine, Folio folio)
    {
        for (ulong i = 0; i < folio.NrPages; i++)
        {
            folio.PageAt(machine.Memory, i).Clear(PageFlags.AnonExclusive);
        }
    }
}
