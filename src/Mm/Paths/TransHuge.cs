namespace KernelModel.Mm;

/// <summary>
/// PMD-mapped transparent huge pages (mm/huge_memory.c): the anonymous THP fault, the write-protect fault on a
/// PMD, which in released kernels reuses an exclusive THP or splits the PMD and lets the PTE-level COW copy one
/// 4 KiB page, and the PMD split itself.
/// </summary>
public static class TransHuge
{
    /// <summary>
    /// thp_vma_allowable_order(vma, PMD_ORDER): an anonymous, non-hugetlb VMA that covers the aligned 2 MiB at
    /// <paramref name="haddr"/>, not VM_NOHUGEPAGE and, when the sysfs setting is enforced (page faults, khugepaged),
    /// allowed by transparent_hugepage/enabled.
    /// </summary>
    [KernelSymbol("include/linux/huge_mm.h", "thp_vma_allowable_order")]
    public static bool ThpVmaAllowable(Machine machine, Vma vma, ulong haddr, bool enforceSysfs)
    {
        if (!vma.IsAnonymous || vma.IsHugetlb || (vma.Flags & VmFlags.Nohugepage) != 0 || haddr < vma.Start || haddr + Memory.HpagePmdSize > vma.End)
        {
            return false;
        }

        return !enforceSysfs || machine.Config.Mm.TransparentHugepage switch
        {
            ThpEnabled.Always => true,
            ThpEnabled.Madvise => (vma.Flags & VmFlags.Hugepage) != 0,
            _ => false,
        };
    }

    /// <summary>
    /// do_huge_pmd_anonymous_page(): a write maps a new zeroed THP with one PMD. A read falls back to the PTE
    /// level (the huge zero page the kernel would map is not modelled; the 4 KiB zero page stands in), as does a
    /// failed THP allocation.
    /// </summary>
    [KernelSymbol("mm/huge_memory.c", "do_huge_pmd_anonymous_page")]
    public static VmFault DoHugePmdAnonymousPage(Machine machine, Vma vma, ulong haddr, FaultFlags flags)
    {
        using (machine.Tracer.Enter("do_huge_pmd_anonymous_page"))
        {
            if ((flags & FaultFlags.Write) == 0)
            {
                return VmFault.Fallback;
            }

            Rmap.AnonVmaPrepare(vma);
            if (machine.Allocator.AllocFolio(Memory.HpagePmdOrder) is not { } folio)
            {
                return VmFault.Fallback;
            }

            Highmem.FolioZeroUser(machine, folio);
            Rmap.FolioAddNewAnonRmap(machine, folio, vma, haddr, exclusive: true);
            Rmap.FolioAddLru(folio);
            vma.Mm.PageTable.Set(haddr, Pte.Present(folio.Pfn, Memory.MaybeMkwrite(vma), dirty: true), PageTableLevel.Pmd);
            return VmFault.None;
        }
    }

    /// <summary>
    /// do_huge_pmd_wp_page(): an exclusive anonymous THP is reused whole; otherwise the PMD is split and
    /// VM_FAULT_FALLBACK sends the fault to the PTE level, where only the faulting 4 KiB page is copied.
    /// </summary>
    [KernelSymbol("mm/huge_memory.c", "do_huge_pmd_wp_page")]
    public static VmFault DoHugePmdWpPage(Machine machine, Vma vma, ulong haddr, Pte pmd)
    {
        using (machine.Tracer.Enter("do_huge_pmd_wp_page"))
        {
            var folio = machine.Memory.PfnToPage(pmd.Pfn).Folio;
            if (folio.IsAnon && !Rmap.FolioTestKsm(folio) && (folio.Head.Test(PageFlags.AnonExclusive) || folio.RefCount == 1))
            {
                folio.Head.Set(PageFlags.AnonExclusive);
                vma.Mm.PageTable.Set(haddr, pmd with { Write = Memory.MaybeMkwrite(vma), Dirty = true }, PageTableLevel.Pmd);
                return VmFault.None;
            }

            SplitHugePmd(machine, vma, haddr);
            return VmFault.Fallback;
        }
    }

    /// <summary>
    /// __split_huge_pmd(): an anonymous PMD mapping becomes 512 PTEs with the same permissions, each taking its own
    /// mapcount and reference; a file PMD is just zapped (its pages fault back in).
    /// </summary>
    [KernelSymbol("mm/huge_memory.c", "__split_huge_pmd")]
    public static void SplitHugePmd(Machine machine, Vma vma, ulong haddr)
    {
        using (machine.Tracer.Enter("__split_huge_pmd"))
        {
            var table = vma.Mm.PageTable;
            var (pmd, level) = table.Walk(haddr);
            if (level != PageTableLevel.Pmd || !pmd.IsPresent)
            {
                return;
            }

            var folio = machine.Memory.PfnToPage(pmd.Pfn).Folio;
            table.Clear(haddr, PageTableLevel.Pmd);
            if (!folio.IsAnon)
            {
                Rmap.FolioRemoveRmapPte(folio);
                machine.PutFolio(folio);
                return;
            }

            for (var i = 0; i < Memory.HpagePmdNr; i++)
            {
                table.Set(haddr + ((ulong)i << PhysicalMemory.PageShift), Pte.Present(pmd.Pfn + (ulong)i, pmd.Write, pmd.Dirty));
            }

            folio.Head.MapCount += Memory.HpagePmdNr - 1;
            folio.Head.RefCount += Memory.HpagePmdNr - 1;
        }
    }
}
