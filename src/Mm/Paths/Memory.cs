namespace KernelModel.Mm;

/// <summary>
/// The page-fault entry of mm/memory.c and the faults on a missing PTE: anonymous memory (zero page or a new
/// page) and file mappings (read, private write = COW of the page-cache page, shared write).
/// </summary>
public static class Memory
{
    /// <summary>HPAGE_PMD_SIZE: the size a PMD leaf maps.</summary>
    public const ulong HpagePmdSize = 1UL << (int)PageTableLevel.Pmd;

    /// <summary>HPAGE_PMD_ORDER.</summary>
    public const int HpagePmdOrder = (int)PageTableLevel.Pmd - PhysicalMemory.PageShift;

    /// <summary>HPAGE_PMD_NR: 4 KiB pages in a PMD.</summary>
    public const int HpagePmdNr = 1 << HpagePmdOrder;

    /// <summary>VM_FAULT_ERROR: the results that mean the fault could not be resolved.</summary>
    [KernelSymbol("include/linux/mm_types.h", "VM_FAULT_ERROR")]
    public const VmFault VmFaultError = VmFault.Oom | VmFault.Sigbus | VmFault.Sigsegv | VmFault.Hwpoison | VmFault.HwpoisonLarge | VmFault.Fallback;

    /// <summary>
    /// handle_mm_fault(): resolves a fault at <paramref name="address"/> in <paramref name="vma"/> in the current
    /// kernel context and returns the VM_FAULT_* result (0 when the access can be retried).
    /// </summary>
    [KernelSymbol("mm/memory.c", "handle_mm_fault")]
    public static VmFault HandleMmFault(Machine machine, Vma vma, ulong address, FaultFlags flags)
    {
        using (machine.Tracer.Enter("handle_mm_fault"))
        {
            return vma.IsHugetlb ? Hugetlb.HugetlbFault(machine, vma, address, flags) : HandleMmFaultNonHugetlb(machine, vma, address, flags);
        }
    }

    /// <summary>is_cow_mapping(): private and may be written, so writes need a private copy.</summary>
    [KernelSymbol("include/linux/mm.h", "is_cow_mapping")]
    public static bool IsCowMapping(VmFlags flags) => (flags & (VmFlags.Shared | VmFlags.MayWrite)) == VmFlags.MayWrite;

    /// <summary>maybe_mkwrite(): an entry is writable only where the VMA allows writes.</summary>
    [KernelSymbol("include/linux/mm.h", "maybe_mkwrite")]
    public static bool MaybeMkwrite(Vma vma) => (vma.Flags & VmFlags.Write) != 0;

    /// <summary>The page-aligned address of a page-table entry.</summary>
    public static ulong PageAlign(ulong address) => address & ~(ulong)(PhysicalMemory.PageSize - 1);

    /// <summary>__handle_mm_fault(): a PMD-level THP fault if one applies, else the PTE-level fault.</summary>
    [KernelSymbol("mm/memory.c", "__handle_mm_fault")]
    private static VmFault HandleMmFaultNonHugetlb(Machine machine, Vma vma, ulong address, FaultFlags flags)
    {
        using (machine.Tracer.Enter("__handle_mm_fault"))
        {
            var table = vma.Mm.PageTable;
            var haddr = address & ~(HpagePmdSize - 1);
            var (entry, level) = table.Walk(address);
            if (level == PageTableLevel.Pmd)
            {
                if (!entry.IsPresent || (flags & FaultFlags.Write) == 0 || entry.Write)
                {
                    return VmFault.None;
                }

                var ret = TransHuge.DoHugePmdWpPage(machine, vma, haddr, entry);
                if ((ret & VmFault.Fallback) == 0)
                {
                    return ret;
                }
            }
            else if (!table.AnyLeafIn(haddr, haddr + HpagePmdSize) && TransHuge.ThpVmaAllowable(machine, vma, haddr, enforceSysfs: true))
            {
                var ret = TransHuge.DoHugePmdAnonymousPage(machine, vma, haddr, flags);
                if ((ret & VmFault.Fallback) == 0)
                {
                    return ret;
                }
            }

            return HandlePteFault(machine, vma, address, flags);
        }
    }

    /// <summary>handle_pte_fault(): dispatch on what the PTE holds.</summary>
    [KernelSymbol("mm/memory.c", "handle_pte_fault")]
    private static VmFault HandlePteFault(Machine machine, Vma vma, ulong address, FaultFlags flags)
    {
        using (machine.Tracer.Enter("handle_pte_fault"))
        {
            var table = vma.Mm.PageTable;
            var (pte, _) = table.Walk(address);
            var write = (flags & FaultFlags.Write) != 0;
            if (pte.IsNone)
            {
                return vma.IsAnonymous ? DoAnonymousPage(machine, vma, address, write) : DoFault(machine, vma, address, write);
            }

            if (!pte.IsPresent)
            {
                return SwapFault.DoSwapPage(machine, vma, address, pte, flags);
            }

            if (write && !pte.Write)
            {
                return WpFault.DoWpPage(machine, vma, address, pte);
            }

            if (write && !pte.Dirty)
            {
                table.Set(PageAlign(address), pte with { Dirty = true });
            }

            return VmFault.None;
        }
    }

    /// <summary>
    /// do_anonymous_page(): a read maps the shared zero page read-only; a write maps a new zeroed page,
    /// exclusive to this VMA and writable as the VMA allows.
    /// </summary>
    [KernelSymbol("mm/memory.c", "do_anonymous_page")]
    private static VmFault DoAnonymousPage(Machine machine, Vma vma, ulong address, bool write)
    {
        using (machine.Tracer.Enter("do_anonymous_page"))
        {
            var table = vma.Mm.PageTable;
            if (!write)
            {
                if (machine.Mm.ZeroPage is not { } zero)
                {
                    return VmFault.Oom;
                }

                table.Set(PageAlign(address), Pte.Present(zero.Pfn, write: false));
                return VmFault.None;
            }

            Rmap.AnonVmaPrepare(vma);
            if (machine.Allocator.AllocFolio(0) is not { } folio)
            {
                return VmFault.Oom;
            }

            Highmem.ClearHighpage(machine, folio.Head);
            Rmap.FolioAddNewAnonRmap(machine, folio, vma, address, exclusive: true);
            Rmap.FolioAddLru(folio);
            table.Set(PageAlign(address), Pte.Present(folio.Pfn, MaybeMkwrite(vma), dirty: true));
            return VmFault.None;
        }
    }

    /// <summary>do_fault(): a missing PTE in a file mapping.</summary>
    [KernelSymbol("mm/memory.c", "do_fault")]
    private static VmFault DoFault(Machine machine, Vma vma, ulong address, bool write)
    {
        using (machine.Tracer.Enter("do_fault"))
        {
            if (!write)
            {
                return DoReadFault(machine, vma, address);
            }

            return vma.IsShared ? DoSharedFault(machine, vma, address) : DoCowFault(machine, vma, address);
        }
    }

    /// <summary>do_read_fault(): maps the page-cache page read-only.</summary>
    [KernelSymbol("mm/memory.c", "do_read_fault")]
    private static VmFault DoReadFault(Machine machine, Vma vma, ulong address)
    {
        using (machine.Tracer.Enter("do_read_fault"))
        {
            var (ret, page) = DoFaultPage(machine, vma, address);
            if (page is null)
            {
                return ret;
            }

            FinishFault(machine, vma, address, page, write: false, anonCopy: false);
            page.Folio.Clear(PageFlags.Locked);
            return ret;
        }
    }

    /// <summary>
    /// do_cow_fault(): a write to a private file mapping with no PTE yet. The page-cache page is copied into a
    /// preallocated anonymous page with copy_mc_user_highpage(); if that fails the fault is VM_FAULT_HWPOISON,
    /// nothing is mapped, the page-cache page is unlocked and put and the copy is freed.
    /// </summary>
    [KernelSymbol("mm/memory.c", "do_cow_fault")]
    private static VmFault DoCowFault(Machine machine, Vma vma, ulong address)
    {
        using (machine.Tracer.Enter("do_cow_fault"))
        {
            Rmap.AnonVmaPrepare(vma);
            if (machine.Allocator.AllocFolio(0) is not { } cow)
            {
                return VmFault.Oom;
            }

            var (ret, page) = DoFaultPage(machine, vma, address);
            if (page is null)
            {
                machine.PutFolio(cow);
                return ret;
            }

            if (Highmem.CopyMcUserHighpage(machine, cow.Head, page, address, vma) != 0)
            {
                ret = VmFault.Hwpoison;
            }
            else
            {
                FinishFault(machine, vma, address, cow.Head, write: true, anonCopy: true);
            }

            page.Folio.Clear(PageFlags.Locked);
            machine.PutFolio(page.Folio);
            if ((ret & VmFault.Hwpoison) != 0)
            {
                machine.PutFolio(cow);
            }

            return ret;
        }
    }

    /// <summary>do_shared_fault(): a write to a shared file mapping; the page is dirtied and mapped writable.</summary>
    [KernelSymbol("mm/memory.c", "do_shared_fault")]
    private static VmFault DoSharedFault(Machine machine, Vma vma, ulong address)
    {
        using (machine.Tracer.Enter("do_shared_fault"))
        {
            var (ret, page) = DoFaultPage(machine, vma, address);
            if (page is null)
            {
                return ret;
            }

            FinishFault(machine, vma, address, page, write: true, anonCopy: false);
            Filemap.MarkDirty(page.Folio);
            page.Folio.Clear(PageFlags.Locked);
            return ret;
        }
    }

    /// <summary>
    /// __do_fault(): the VMA's fault handler (filemap_fault / shmem_fault) returns the locked page-cache page
    /// with a reference. A page the kernel knows is poisoned is not used: its mappings are zapped and, when it is
    /// clean and can be dropped from the cache, the fault is retried (VM_FAULT_NOPAGE) so the data is read again;
    /// otherwise VM_FAULT_HWPOISON.
    /// </summary>
    [KernelSymbol("mm/memory.c", "__do_fault")]
    private static (VmFault Ret, Page? Page) DoFaultPage(Machine machine, Vma vma, ulong address)
    {
        using (machine.Tracer.Enter("__do_fault"))
        {
            var inode = vma.File ?? throw new ArgumentException($"{vma} has no file", nameof(vma));
            var pgoff = vma.LinearPageIndex(address);
            Folio folio;
            using (machine.Tracer.Enter(inode.Kind == InodeKind.Shmem ? "shmem_fault" : "filemap_fault"))
            {
                if (machine.Filemap.ReadCacheFolio(inode, pgoff) is not { } cached)
                {
                    return (VmFault.Oom, null);
                }

                folio = cached;
                folio.Head.RefCount++;
                folio.Set(PageFlags.Locked);
            }

            var page = folio.PageAt(machine.Memory, pgoff - folio.Index);
            if (!page.IsHwpoison)
            {
                return (VmFault.Locked, page);
            }

            var poisonret = VmFault.Hwpoison;
            if (folio.MapCount > 0)
            {
                Rmap.TryToUnmap(machine, folio);
            }

            if (MappingEvictFolio(machine, folio))
            {
                poisonret = VmFault.Nopage;
            }

            folio.Clear(PageFlags.Locked);
            machine.PutFolio(folio);
            return (poisonret, null);
        }
    }

    /// <summary>
    /// mapping_evict_folio(): drops a clean, unmapped page-cache folio nobody else holds (the cache and the
    /// caller), so the next access reads the data again.
    /// </summary>
    [KernelSymbol("mm/truncate.c", "mapping_evict_folio")]
    private static bool MappingEvictFolio(Machine machine, Folio folio)
    {
        using (machine.Tracer.Enter("mapping_evict_folio"))
        {
            if (folio.Test(PageFlags.Dirty) || folio.Test(PageFlags.Writeback) || folio.MapCount > 0 || folio.RefCount > 2)
            {
                return false;
            }

            machine.Filemap.RemoveFromPageCache(folio);
            return true;
        }
    }

    /// <summary>
    /// finish_fault(): installs the PTE for the page the fault produced: the private anonymous copy (new anon rmap,
    /// on the LRU) or the page-cache page (file rmap); the caller's reference becomes the mapping's.
    /// </summary>
    [KernelSymbol("mm/memory.c", "finish_fault")]
    private static void FinishFault(Machine machine, Vma vma, ulong address, Page page, bool write, bool anonCopy)
    {
        using (machine.Tracer.Enter("finish_fault"))
        {
            var folio = page.Folio;
            if (anonCopy)
            {
                Rmap.FolioAddNewAnonRmap(machine, folio, vma, address, exclusive: true);
                Rmap.FolioAddLru(folio);
            }
            else
            {
                Rmap.FolioAddFileRmapPte(folio);
            }

            vma.Mm.PageTable.Set(PageAlign(address), Pte.Present(page.Pfn, write && MaybeMkwrite(vma), dirty: write));
        }
    }
}
