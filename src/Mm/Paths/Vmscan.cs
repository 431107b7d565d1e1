namespace KernelModel.Mm;

/// <summary>Page reclaim of an anonymous folio to swap (mm/vmscan.c shrink_folio_list for one folio).</summary>
public static class Vmscan
{
    /// <summary>
    /// shrink_folio_list() on one order-0 anonymous folio: add_to_swap() gives it a slot in the swap cache,
    /// try_to_unmap() turns every mapping into a swap entry, pageout() writes it to the device, and
    /// __remove_mapping() drops it from the swap cache, freeing it. False (nothing changed) when the folio is not
    /// an unpinned order-0 anonymous folio (KSM pages included), or no memory for the swap cache.
    /// </summary>
    [KernelSymbol("mm/vmscan.c", "shrink_folio_list")]
    public static bool ReclaimFolio(Machine machine, Folio folio)
    {
        using (machine.Tracer.Enter("shrink_folio_list"))
        {
            if (folio.IsLarge || !folio.IsAnon || folio.Test(PageFlags.Swapcache) || folio.RefCount != folio.MapCount)
            {
                return false;
            }

            var mm = machine.Mm;
            folio.Head.RefCount++;
            mm.SwapCache.AddToSwapCache(folio, mm.Swap.AllocSwapSlot());
            Rmap.TryToUnmap(machine, folio);
            using (machine.Tracer.Enter("pageout"))
            {
                mm.Swap.Write(folio.Head.SwapOffset, machine.Memory.FrameForRead(folio.Pfn));
            }

            using (machine.Tracer.Enter("__remove_mapping"))
            {
                mm.SwapCache.DeleteFromSwapCache(folio);
                machine.PutFolio(folio);
            }

            return true;
        }
    }
}
