namespace KernelModel.Mm;

/// <summary>
/// The write-protect fault of mm/memory.c: a write to a present, read-only PTE. A shared mapping dirties its
/// page; an anonymous page this VMA owns exclusively is reused; anything else is copied by wp_page_copy(), whose
/// copy with copy_mc_user_highpage() is where a COW consumes poison.
/// </summary>
public static class WpFault
{
    /// <summary>do_wp_page().</summary>
    [KernelSymbol("mm/memory.c", "do_wp_page")]
    public static VmFault DoWpPage(Machine machine, Vma vma, ulong address, Pte pte)
    {
        using (machine.Tracer.Enter("do_wp_page"))
        {
            var page = Rmap.VmNormalPage(machine, pte);
            if (vma.IsShared && page is not null)
            {
                return WpPageShared(machine, vma, address, pte, page);
            }

            if (page is not null && page.IsAnon && (page.Test(PageFlags.AnonExclusive) || WpCanReuseAnonFolio(machine, page.Folio, vma)))
            {
                page.Set(PageFlags.AnonExclusive);
                return WpPageReuse(machine, vma, address, pte);
            }

            // The copy holds its own reference on the old folio until the new PTE is in place.
            if (page is not null)
            {
                page.Folio.Head.RefCount++;
            }

            return WpPageCopy(machine, vma, address, page);
        }
    }

    /// <summary>
    /// wp_can_reuse_anon_folio(): an order-0 anonymous folio nobody else references (after dropping its swap-cache
    /// copy if no swap entry refers to it) can simply be made writable. KSM and large folios are never reused here.
    /// </summary>
    [KernelSymbol("mm/memory.c", "wp_can_reuse_anon_folio")]
    private static bool WpCanReuseAnonFolio(Machine machine, Folio folio, Vma vma)
    {
        using (machine.Tracer.Enter("wp_can_reuse_anon_folio"))
        {
            if (folio.IsLarge || Rmap.FolioTestKsm(folio) || folio.RefCount > 1 + (folio.Test(PageFlags.Swapcache) ? 1 : 0))
            {
                return false;
            }

            if (folio.Test(PageFlags.Swapcache))
            {
                machine.Mm.SwapCache.FolioFreeSwap(folio);
            }

            if (folio.RefCount != 1)
            {
                return false;
            }

            // folio_move_anon_rmap(): the folio now belongs to this VMA's anon_vma.
            folio.Head.Mapping = Rmap.AnonVmaPrepare(vma);
            return true;
        }
    }

    /// <summary>wp_page_reuse(): the PTE becomes writable and dirty.</summary>
    [KernelSymbol("mm/memory.c", "wp_page_reuse")]
    private static VmFault WpPageReuse(Machine machine, Vma vma, ulong address, Pte pte)
    {
        using (machine.Tracer.Enter("wp_page_reuse"))
        {
            vma.Mm.PageTable.Set(Memory.PageAlign(address), pte with { Write = Memory.MaybeMkwrite(vma), Dirty = true });
            return VmFault.None;
        }
    }

    /// <summary>wp_page_shared(): a shared file page is dirtied and its PTE made writable.</summary>
    [KernelSymbol("mm/memory.c", "wp_page_shared")]
    private static VmFault WpPageShared(Machine machine, Vma vma, ulong address, Pte pte, Page page)
    {
        using (machine.Tracer.Enter("wp_page_shared"))
        {
            Filemap.MarkDirty(page.Folio);
            return WpPageReuse(machine, vma, address, pte);
        }
    }

    /// <summary>
    /// wp_page_copy(): allocates a new anonymous page, fills it (zeroes for the zero page, else
    /// __wp_page_copy_user()) and switches the PTE to it. When the copy consumed poison the new folio is freed,
    /// the reference on the old one dropped and the PTE left as it was: VM_FAULT_HWPOISON.
    /// </summary>
    [KernelSymbol("mm/memory.c", "wp_page_copy")]
    private static VmFault WpPageCopy(Machine machine, Vma vma, ulong address, Page? oldPage)
    {
        using (machine.Tracer.Enter("wp_page_copy"))
        {
            var oldFolio = oldPage?.Folio;
            Rmap.AnonVmaPrepare(vma);
            if (machine.Allocator.AllocFolio(0) is not { } newFolio)
            {
                if (oldFolio is { } f)
                {
                    machine.PutFolio(f);
                }

                return VmFault.Oom;
            }

            if (oldPage is null)
            {
                Highmem.ClearHighpage(machine, newFolio.Head);
            }
            else
            {
                var ret = WpPageCopyUser(machine, newFolio.Head, oldPage, vma, address);
                if (ret != 0)
                {
                    machine.PutFolio(newFolio);
                    machine.PutFolio(oldFolio!.Value);
                    machine.Tracer.Note("wp_page_copy: copy failed, " + Errno.Name(ret));
                    return ret == -Errno.EHWPOISON ? VmFault.Hwpoison : VmFault.None;
                }
            }

            Rmap.FolioAddNewAnonRmap(machine, newFolio, vma, address, exclusive: true);
            Rmap.FolioAddLru(newFolio);
            vma.Mm.PageTable.Set(Memory.PageAlign(address), Pte.Present(newFolio.Pfn, Memory.MaybeMkwrite(vma), dirty: true));
            if (oldFolio is { } old)
            {
                // Only after the PTE points at the copy does the old page lose this mapping.
                Rmap.FolioRemoveRmapPte(old);
                machine.PutFolio(old);
                if (old.Test(PageFlags.Swapcache) && old.MapCount == 0)
                {
                    machine.Mm.SwapCache.FolioFreeSwap(old);
                }

                machine.PutFolio(old);
            }

            return VmFault.None;
        }
    }

    /// <summary>__wp_page_copy_user(): 0, or -EHWPOISON when copy_mc_user_highpage() failed.</summary>
    [KernelSymbol("mm/memory.c", "__wp_page_copy_user")]
    private static int WpPageCopyUser(Machine machine, Page dst, Page src, Vma vma, ulong address)
    {
        using (machine.Tracer.Enter("__wp_page_copy_user"))
        {
            return Highmem.CopyMcUserHighpage(machine, dst, src, address, vma) != 0 ? -Errno.EHWPOISON : 0;
        }
    }
}
