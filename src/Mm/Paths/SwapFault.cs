namespace KernelModel.Mm;

/// <summary>
/// do_swap_page() (mm/memory.c): the fault on a non-present PTE. A hwpoison entry is VM_FAULT_HWPOISON. A swap
/// entry brings the page back from the swap cache or the device; when the cached folio belongs to another
/// anon_vma (a KSM page swapped out and read back by one of its sharers) ksm_might_need_to_copy() copies it, and a
/// copy that consumes poison leaves the PTE a swap entry and fails the fault with VM_FAULT_HWPOISON.
/// </summary>
public static class SwapFault
{
    /// <summary>do_swap_page().</summary>
    [KernelSymbol("mm/memory.c", "do_swap_page")]
    public static VmFault DoSwapPage(Machine machine, Vma vma, ulong address, Pte orig, FaultFlags flags)
    {
        using (machine.Tracer.Enter("do_swap_page"))
        {
            switch (orig.Kind)
            {
                case PteKind.Hwpoison:
                    return VmFault.Hwpoison;
                case PteKind.Swap:
                    break;
                default:
                    return VmFault.None;
            }

            var mm = machine.Mm;
            var offset = orig.SwapOffset;
            var ret = VmFault.None;
            if (mm.SwapCache.SwapCacheGetFolio(offset) is not { } swapcache)
            {
                if (SwapinReadahead(machine, offset) is not { } read)
                {
                    return VmFault.Oom;
                }

                swapcache = read;
                ret = VmFault.Major;
            }

            if (swapcache.Head.IsHwpoison)
            {
                // Poisoned dirty swap-cache pages stay cached to kill whoever maps them.
                machine.PutFolio(swapcache);
                return VmFault.Hwpoison;
            }

            swapcache.Set(PageFlags.Locked);
            var folio = Ksm.KsmMightNeedToCopy(machine, swapcache, vma, address, out var error);
            if (folio is null)
            {
                // out_page: the swap-cache folio is unlocked and put; the PTE is still the swap entry.
                swapcache.Clear(PageFlags.Locked);
                machine.PutFolio(swapcache);
                return error == -Errno.EHWPOISON ? VmFault.Hwpoison : VmFault.Oom;
            }

            var copied = folio.Value != swapcache;
            mm.Swap.SwapFree(offset);
            var write = (flags & FaultFlags.Write) != 0;
            if (!copied && write && !Rmap.FolioTestKsm(swapcache) && swapcache.RefCount == 2)
            {
                mm.SwapCache.FolioFreeSwap(swapcache);
            }

            var mapped = folio.Value;
            var exclusive = copied || (!Rmap.FolioTestKsm(mapped) && mapped.RefCount == 1);
            if (copied || !mapped.IsAnon)
            {
                Rmap.FolioAddNewAnonRmap(machine, mapped, vma, address, exclusive);
            }
            else
            {
                Rmap.FolioAddAnonRmapPte(mapped);
            }

            Rmap.FolioAddLru(mapped);
            var writable = exclusive && Memory.MaybeMkwrite(vma);
            vma.Mm.PageTable.Set(Memory.PageAlign(address), Pte.Present(mapped.Pfn, writable, dirty: writable && write));
            swapcache.Clear(PageFlags.Locked);
            if (copied)
            {
                mapped.Clear(PageFlags.Locked);
                machine.PutFolio(swapcache);
            }

            return ret;
        }
    }

    /// <summary>
    /// swapin_readahead() for one slot: a new folio, read from the device and added to the swap cache; the caller
    /// gets its own reference. Not anonymous until mapped.
    /// </summary>
    [KernelSymbol("mm/swap_state.c", "swapin_readahead")]
    private static Folio? SwapinReadahead(Machine machine, ulong offset)
    {
        using (machine.Tracer.Enter("swapin_readahead"))
        {
            if (machine.Allocator.AllocFolio(0) is not { } folio)
            {
                return null;
            }

            machine.Memory.Write(folio.Head.PhysAddr, machine.Mm.Swap.Read(offset));
            folio.Set(PageFlags.Uptodate | PageFlags.Swapbacked);
            machine.Mm.SwapCache.AddToSwapCache(folio, offset);
            return folio;
        }
    }
}
