namespace KernelModel.Mm;

/// <summary>
/// hugetlb faults and fork (mm/hugetlb.c). A private hugetlb mapping's pages are anonymous and shared after fork
/// until written; the copy on write (hugetlb_wp) and the copy fork makes of a pinned page go through
/// copy_user_large_folio(). A copy that consumes poison fails the fault with VM_FAULT_HWPOISON_LARGE and the
/// hstate index, so the SIGBUS carries the huge page shift.
/// </summary>
public static class Hugetlb
{
    /// <summary>hstate_vma(): the VMA's huge page size.</summary>
    /// <exception cref="ArgumentException">The VMA is not a hugetlb mapping with an hstate.</exception>
    [KernelSymbol("include/linux/hugetlb.h", "hstate_vma")]
    public static Hstate HstateVma(Vma vma) =>
        vma.IsHugetlb && vma.Hstate is { } h ? h : throw new ArgumentException($"{vma} is not a hugetlb mapping with an hstate", nameof(vma));

    /// <summary>The page-table level a huge page of this size is mapped at (PMD for 2 MiB, PUD for 1 GiB).</summary>
    public static PageTableLevel LevelOf(Hstate h) => (PageTableLevel)h.Shift;

    /// <summary>
    /// do_mmap() of a hugetlb mapping: MAP_HUGETLB (anonymous when <paramref name="file"/> is null) or a
    /// hugetlbfs file, aligned to the huge page size <paramref name="h"/>.
    /// </summary>
    [KernelSymbol("fs/hugetlbfs/inode.c", "hugetlbfs_file_mmap")]
    public static Vma MmapHugetlb(MmStruct mm, Hstate h, ulong length, VmFlags flags, Inode? file = null, ulong pgoff = 0)
    {
        var vma = mm.Mmap(length, flags | VmFlags.Hugetlb, file, pgoff, h.Size);
        vma.Hstate = h;
        return vma;
    }

    /// <summary>hugetlb_fault(): the fault on a hugetlb VMA, at the huge page's leaf.</summary>
    [KernelSymbol("mm/hugetlb.c", "hugetlb_fault")]
    public static VmFault HugetlbFault(Machine machine, Vma vma, ulong address, FaultFlags flags)
    {
        using (machine.Tracer.Enter("hugetlb_fault"))
        {
            var h = HstateVma(vma);
            var haddr = address & ~(h.Size - 1);
            var (entry, level) = vma.Mm.PageTable.Walk(haddr);
            var write = (flags & FaultFlags.Write) != 0;
            if (level != LevelOf(h) || entry.IsNone)
            {
                return HugetlbNoPage(machine, vma, h, haddr, address, write);
            }

            if (entry.Kind == PteKind.Hwpoison)
            {
                return VmFault.HwpoisonLarge | VmFaultExtensions.SetHindex(h.Index);
            }

            if (!entry.IsPresent)
            {
                return VmFault.None;
            }

            if (write && !entry.Write)
            {
                return HugetlbWp(machine, vma, h, haddr, address, entry);
            }

            return VmFault.None;
        }
    }

    /// <summary>
    /// hugetlb_no_page(): a shared mapping maps the file's huge page (allocating and zeroing it into the page cache
    /// when absent); a private mapping maps the file's page read-only if it has one, else a new anonymous huge page,
    /// and a private write goes straight on to hugetlb_wp(). A page the kernel knows is poisoned gives
    /// VM_FAULT_HWPOISON_LARGE; an empty pool, VM_FAULT_SIGBUS.
    /// </summary>
    [KernelSymbol("mm/hugetlb.c", "hugetlb_no_page")]
    private static VmFault HugetlbNoPage(Machine machine, Vma vma, Hstate h, ulong haddr, ulong address, bool write)
    {
        using (machine.Tracer.Enter("hugetlb_no_page"))
        {
            var index = vma.LinearPageIndex(haddr);
            var shared = vma.IsShared && vma.File is not null;
            Folio folio;
            if (vma.File?.Mapping.Lookup(index) is { } cached)
            {
                if (cached.Test(PageFlags.Hwpoison) || cached.Test(PageFlags.HasHwpoisoned))
                {
                    return VmFault.HwpoisonLarge | VmFaultExtensions.SetHindex(h.Index);
                }

                folio = cached;
                Rmap.FolioAddFileRmapPte(folio);
                folio.Head.RefCount++;
            }
            else
            {
                if (machine.Hugetlb.AllocHugetlbFolio(h) is not { } allocated)
                {
                    return VmFault.Sigbus;
                }

                folio = allocated;
                Highmem.FolioZeroUser(machine, folio);
                if (shared)
                {
                    machine.Filemap.AddToPageCache(vma.File!, folio, index);
                    folio.Clear(PageFlags.Lru);
                    Rmap.FolioAddFileRmapPte(folio);
                    folio.Head.RefCount++;
                }
                else
                {
                    Rmap.FolioAddNewAnonRmap(machine, folio, vma, haddr, exclusive: true);
                }
            }

            var writable = shared && Memory.MaybeMkwrite(vma);
            var entry = Pte.Present(folio.Pfn, writable, dirty: writable && write);
            vma.Mm.PageTable.Set(haddr, entry, LevelOf(h));
            return write && !shared ? HugetlbWp(machine, vma, h, haddr, address, entry) : VmFault.None;
        }
    }

    /// <summary>
    /// hugetlb_wp(): an anonymous huge page mapped once is reused; otherwise a new huge page is allocated and
    /// filled with copy_user_large_folio(). If that copy consumed poison the fault returns
    /// VM_FAULT_HWPOISON_LARGE | VM_FAULT_SET_HINDEX(hstate_index): the new page is freed, the old one's extra
    /// reference dropped and the mapping left as it was (the reservation restore is not modelled: the pool keeps no
    /// reservations).
    /// </summary>
    [KernelSymbol("mm/hugetlb.c", "hugetlb_wp")]
    private static VmFault HugetlbWp(Machine machine, Vma vma, Hstate h, ulong haddr, ulong address, Pte entry)
    {
        using (machine.Tracer.Enter("hugetlb_wp"))
        {
            var level = LevelOf(h);
            var old = machine.Memory.PfnToPage(entry.Pfn).Folio;
            if (old.MapCount == 1 && old.IsAnon)
            {
                old.Head.Set(PageFlags.AnonExclusive);
                old.Head.Mapping = Rmap.AnonVmaPrepare(vma);
                vma.Mm.PageTable.Set(haddr, entry with { Write = Memory.MaybeMkwrite(vma), Dirty = true }, level);
                return VmFault.None;
            }

            old.Head.RefCount++;
            if (machine.Hugetlb.AllocHugetlbFolio(h) is not { } copy)
            {
                machine.PutFolio(old);
                return VmFault.Sigbus;
            }

            if (LargeFolioCopy.CopyUserLargeFolio(machine, copy, old, address, vma) != 0)
            {
                machine.PutFolio(copy);
                machine.PutFolio(old);
                return VmFault.HwpoisonLarge | VmFaultExtensions.SetHindex(h.Index);
            }

            Rmap.FolioAddNewAnonRmap(machine, copy, vma, haddr, exclusive: true);
            vma.Mm.PageTable.Set(haddr, Pte.Present(copy.Pfn, Memory.MaybeMkwrite(vma), dirty: true), level);
            Rmap.FolioRemoveRmapPte(old);
            machine.PutFolio(old);
            machine.PutFolio(old);
            return VmFault.None;
        }
    }

    /// <summary>
    /// copy_hugetlb_page_range(): fork of a hugetlb VMA. Entries are shared (write-protected in both for a COW
    /// mapping); an exclusive anonymous huge page that may be pinned is copied for the child with
    /// copy_user_large_folio(), and a failed copy ends the whole copy with -EHWPOISON (the new page freed).
    /// </summary>
    [KernelSymbol("mm/hugetlb.c", "copy_hugetlb_page_range")]
    public static int CopyHugetlbPageRange(Machine machine, Vma dst, Vma src)
    {
        using (machine.Tracer.Enter("copy_hugetlb_page_range"))
        {
            var h = HstateVma(src);
            var level = LevelOf(h);
            var cow = Memory.IsCowMapping(src.Flags);
            var srcTable = src.Mm.PageTable;
            var dstTable = dst.Mm.PageTable;
            foreach (var (address, entry, leafLevel) in srcTable.LeavesIn(src.Start, src.End).ToList())
            {
                if (leafLevel != level)
                {
                    continue;
                }

                if (!entry.IsPresent)
                {
                    var copied = entry.Kind == PteKind.Migration && cow && entry.Write ? entry with { Write = false } : entry;
                    srcTable.Set(address, copied, level);
                    dstTable.Set(address, copied, level);
                    continue;
                }

                var folio = machine.Memory.PfnToPage(entry.Pfn).Folio;
                folio.Head.RefCount++;
                if (!folio.IsAnon)
                {
                    Rmap.FolioAddFileRmapPte(folio);
                }
                else if (HugetlbTryDupAnonRmap(folio, src) != 0)
                {
                    if (machine.Hugetlb.AllocHugetlbFolio(h) is not { } copy)
                    {
                        machine.PutFolio(folio);
                        return -Errno.ENOSPC;
                    }

                    var ret = LargeFolioCopy.CopyUserLargeFolio(machine, copy, folio, address, dst);
                    machine.PutFolio(folio);
                    if (ret != 0)
                    {
                        machine.PutFolio(copy);
                        return ret;
                    }

                    // hugetlb_install_folio(): the child's own exclusive, writable copy.
                    Rmap.FolioAddNewAnonRmap(machine, copy, dst, address, exclusive: true);
                    dstTable.Set(address, Pte.Present(copy.Pfn, write: true, dirty: true), level);
                    continue;
                }

                var shared = entry;
                if (cow && entry.Write)
                {
                    shared = entry with { Write = false };
                    srcTable.Set(address, shared, level);
                }

                dstTable.Set(address, shared, level);
            }

            return 0;
        }
    }

    /// <summary>
    /// hugetlb_try_dup_anon_rmap(): the child may share the page unless it is exclusive and may be pinned
    /// (-EBUSY); sharing clears PageAnonExclusive and adds a mapping.
    /// </summary>
    [KernelSymbol("include/linux/rmap.h", "hugetlb_try_dup_anon_rmap")]
    private static int HugetlbTryDupAnonRmap(Folio folio, Vma vma)
    {
        if (folio.Head.Test(PageFlags.AnonExclusive))
        {
            if (Gup.FolioNeedsCowForDma(vma, folio))
            {
                return -Errno.EBUSY;
            }

            folio.Head.Clear(PageFlags.AnonExclusive);
        }

        Rmap.FolioAddAnonRmapPte(folio);
        return 0;
    }
}
