namespace KernelModel.Mm;

/// <summary>
/// Kernel samepage merging (mm/ksm.c): ksmd merges identical anonymous pages of VM_MERGEABLE mappings into one
/// write-protected KSM page, and do_swap_page() asks ksm_might_need_to_copy() whether a swapped-in page may be
/// mapped as it is or must be copied for the faulting VMA.
/// </summary>
public static class Ksm
{
    /// <summary>memcmp_pages()'s 8-byte load (no exception-table entry: ksmd consuming poison kills the kernel).</summary>
    public static readonly CodeSite MemcmpLoad = new("memcmp_pages", "ldr 8", SiteAccess.Load);

    /// <summary>
    /// One full ksmd scan (ksm_do_scan over every mergeable VMA of every process, in pid and address order):
    /// each order-0 anonymous page is compared with the KSM pages (stable tree) and then with the pages seen
    /// before it (unstable tree); a match is merged: the later page of an unstable pair becomes the KSM page and
    /// the other mapping is switched to it; both PTEs are write-protected and the replaced page freed. Pages with
    /// extra references (pinned, swap cache) are skipped. The checksum test that keeps a page out of the unstable
    /// tree until it is unchanged over two scans is not modelled. Returns the number of pages merged away.
    /// </summary>
    [KernelSymbol("mm/ksm.c", "ksm_do_scan")]
    public static int KsmdScan(Machine machine)
    {
        var ksmd = machine.Mm.Kthread("ksmd");
        using (machine.CurrentCpu.Enter(ksmd, CpuMode.Kernel))
        using (machine.Tracer.Enter("ksm_do_scan"))
        {
            var stable = new List<Page>();
            var unstable = new List<(Vma Vma, ulong Address, Page Page)>();
            var merged = 0;
            foreach (var task in machine.Tasks.UserTasks.Where(t => t.Pid == t.Tgid).ToList())
            {
                foreach (var vma in task.Mm!.Vmas.Where(v => (v.Flags & VmFlags.Mergeable) != 0 && v.IsAnonymous && !v.IsHugetlb).ToList())
                {
                    foreach (var (address, pte) in vma.Mm.PageTable.PtesIn(vma.Start, vma.End).ToList())
                    {
                        if (Rmap.VmNormalPage(machine, pte) is not { } page || page.Folio.IsLarge || !page.IsAnon)
                        {
                            continue;
                        }

                        if (Rmap.FolioTestKsm(page.Folio))
                        {
                            if (!stable.Contains(page))
                            {
                                stable.Add(page);
                            }

                            continue;
                        }

                        if (CmpAndMergePage(machine, vma, address, page, stable, unstable))
                        {
                            merged++;
                        }
                    }
                }
            }

            return merged;
        }
    }

    /// <summary>
    /// ksm_might_need_to_copy(): the swap-cache folio can be mapped as it is when it is large, a KSM page still in
    /// the stable tree, not yet anonymous, or anonymous at this address of this anon_vma. Otherwise it is copied
    /// into a new folio with copy_mc_user_highpage(): a copy that fails (or a source already PG_hwpoison) gives
    /// -EHWPOISON in <paramref name="error"/> and null; no memory gives null with error 0.
    /// </summary>
    [KernelSymbol("mm/ksm.c", "ksm_might_need_to_copy")]
    public static Folio? KsmMightNeedToCopy(Machine machine, Folio folio, Vma vma, ulong address, out int error)
    {
        using (machine.Tracer.Enter("ksm_might_need_to_copy"))
        {
            error = 0;
            if (folio.IsLarge || Rmap.FolioTestKsm(folio) || folio.Mapping is not AnonVma anonVma ||
                (folio.Index == vma.LinearPageIndex(address) && anonVma == vma.AnonVma))
            {
                return folio;
            }

            if (folio.Head.IsHwpoison)
            {
                error = -Errno.EHWPOISON;
                return null;
            }

            if (!folio.Test(PageFlags.Uptodate))
            {
                return folio;
            }

            if (machine.Allocator.AllocFolio(0) is not { } copy)
            {
                return null;
            }

            if (Highmem.CopyMcUserHighpage(machine, copy.Head, folio.Head, address, vma) != 0)
            {
                machine.PutFolio(copy);
                error = -Errno.EHWPOISON;
                return null;
            }

            copy.Set(PageFlags.Dirty | PageFlags.Uptodate | PageFlags.Locked);
            return copy;
        }
    }

    /// <summary>cmp_and_merge_page(): stable tree first, then the unstable tree; true when a page was merged away.</summary>
    [KernelSymbol("mm/ksm.c", "cmp_and_merge_page")]
    private static bool CmpAndMergePage(Machine machine, Vma vma, ulong address, Page page, List<Page> stable,
        List<(Vma Vma, ulong Address, Page Page)> unstable)
    {
        using (machine.Tracer.Enter("cmp_and_merge_page"))
        {
            foreach (var kpage in stable)
            {
                if (MemcmpPages(machine, page, kpage) && TryToMergeOnePage(machine, vma, address, page, kpage))
                {
                    return true;
                }
            }

            for (var i = 0; i < unstable.Count; i++)
            {
                var tree = unstable[i];
                if (!MemcmpPages(machine, page, tree.Page) || !TryToMergeOnePage(machine, vma, address, page, null))
                {
                    continue;
                }

                // try_to_merge_two_pages(): this page is now the KSM page; the tree page's mapping switches to it.
                unstable.RemoveAt(i);
                stable.Add(page);
                return TryToMergeOnePage(machine, tree.Vma, tree.Address, tree.Page, page);
            }

            unstable.Add((vma, address, page));
            return false;
        }
    }

    /// <summary>
    /// try_to_merge_one_page(): write_protect_page() (refused when something beyond the mappings holds the page),
    /// then either make the page a KSM page (<paramref name="kpage"/> null) or replace_page() it by
    /// <paramref name="kpage"/>.
    /// </summary>
    [KernelSymbol("mm/ksm.c", "try_to_merge_one_page")]
    private static bool TryToMergeOnePage(Machine machine, Vma vma, ulong address, Page page, Page? kpage)
    {
        using (machine.Tracer.Enter("try_to_merge_one_page"))
        {
            var folio = page.Folio;
            if (folio.RefCount != folio.MapCount)
            {
                return false;
            }

            var table = vma.Mm.PageTable;
            var (pte, _) = table.Walk(address);
            table.Set(address, pte with { Write = false });
            page.Clear(PageFlags.AnonExclusive);
            if (kpage is null)
            {
                var node = new KsmStableNode();
                node.AddRmapItem(vma, address);
                folio.Head.Mapping = node;
                return true;
            }

            ReplacePage(machine, vma, address, page, kpage);
            return true;
        }
    }

    /// <summary>replace_page(): the PTE maps the KSM page read-only; the old page loses the mapping and its reference.</summary>
    [KernelSymbol("mm/ksm.c", "replace_page")]
    private static void ReplacePage(Machine machine, Vma vma, ulong address, Page page, Page kpage)
    {
        using (machine.Tracer.Enter("replace_page"))
        {
            var kfolio = kpage.Folio;
            kfolio.Head.RefCount++;
            Rmap.FolioAddAnonRmapPte(kfolio);
            ((KsmStableNode)kfolio.Mapping!).AddRmapItem(vma, address);
            vma.Mm.PageTable.Set(address, Pte.Present(kpage.Pfn, write: false));
            var old = page.Folio;
            Rmap.FolioRemoveRmapPte(old);
            machine.PutFolio(old);
        }
    }

    /// <summary>
    /// memcmp_pages() / pages_identical(): compares two pages with kernel loads. When neither page holds poison the
    /// comparison is made directly, as the load loop would make it.
    /// </summary>
    [KernelSymbol("mm/ksm.c", "memcmp_pages")]
    private static bool MemcmpPages(Machine machine, Page a, Page b)
    {
        using (machine.Tracer.Enter("memcmp_pages"))
        {
            var memory = machine.Memory;
            if (!memory.RangeHasPoison(a.PhysAddr, PhysicalMemory.PageSize) && !memory.RangeHasPoison(b.PhysAddr, PhysicalMemory.PageSize))
            {
                return memory.FrameForRead(a.Pfn).SequenceEqual(memory.FrameForRead(b.Pfn));
            }

            var cpu = machine.CurrentCpu;
            Span<byte> x = stackalloc byte[8];
            Span<byte> y = stackalloc byte[8];
            for (ulong offset = 0; offset < PhysicalMemory.PageSize; offset += 8)
            {
                cpu.Load(MemcmpLoad, machine.PageAddress(a) + offset, x);
                cpu.Load(MemcmpLoad, machine.PageAddress(b) + offset, y);
                if (!x.SequenceEqual(y))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
