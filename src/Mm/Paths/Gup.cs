namespace KernelModel.Mm;

/// <summary>
/// Long-term pinning (mm/gup.c pin_user_pages with FOLL_WRITE | FOLL_LONGTERM, as io_uring fixed buffers, VFIO
/// and RDMA take it) and the pin tests fork relies on.
/// </summary>
public static class Gup
{
    /// <summary>GUP_PIN_COUNTING_BIAS: what one FOLL_PIN adds to an order-0 page's refcount.</summary>
    [KernelSymbol("include/linux/mm.h", "GUP_PIN_COUNTING_BIAS")]
    public const int GupPinCountingBias = 1 << 10;

    /// <summary>
    /// pin_user_pages(): faults in <paramref name="nrPages"/> pages from <paramref name="start"/> for writing (so each
    /// is an exclusive anonymous page or a writable file page) and pins them; the mm becomes MMF_HAS_PINNED.
    /// Returns the number pinned, or a negative errno when the first page cannot be pinned.
    /// </summary>
    [KernelSymbol("mm/gup.c", "pin_user_pages")]
    public static int PinUserPages(Machine machine, TaskStruct task, ulong start, int nrPages)
    {
        var mm = task.Mm ?? throw new ArgumentException($"{task} has no mm", nameof(task));
        using (machine.CurrentCpu.Enter(task, CpuMode.Kernel))
        using (machine.Tracer.Enter("pin_user_pages"))
        {
            for (var i = 0; i < nrPages; i++)
            {
                var address = Memory.PageAlign(start) + ((ulong)i << PhysicalMemory.PageShift);
                if (FollowWritablePage(machine, mm, address) is not { } page)
                {
                    return i > 0 ? i : -Errno.EFAULT;
                }

                var folio = page.Folio;
                if (folio.IsLarge)
                {
                    folio.Head.PinCount++;
                    folio.Head.RefCount++;
                }
                else
                {
                    folio.Head.RefCount += GupPinCountingBias;
                }

                mm.HasPinned = true;
            }

            return nrPages;
        }
    }

    /// <summary>unpin_user_page(): drops one pin.</summary>
    [KernelSymbol("mm/gup.c", "unpin_user_page")]
    public static void UnpinUserPage(Machine machine, Page page)
    {
        var folio = page.Folio;
        if (folio.IsLarge)
        {
            folio.Head.PinCount--;
            machine.PutFolio(folio);
            return;
        }

        folio.Head.RefCount -= GupPinCountingBias - 1;
        machine.PutFolio(folio);
    }

    /// <summary>folio_maybe_dma_pinned(): a large folio's pincount, or an order-0 page's refcount at the pin bias.</summary>
    [KernelSymbol("include/linux/mm.h", "folio_maybe_dma_pinned")]
    public static bool FolioMaybeDmaPinned(Folio folio) => folio.IsLarge ? folio.Head.PinCount > 0 : folio.RefCount >= GupPinCountingBias;

    /// <summary>
    /// folio_needs_cow_for_dma(): in a COW mapping of an mm that has pinned pages, a maybe-pinned folio must be
    /// copied for a child rather than shared, so the pinned page stays the parent's.
    /// </summary>
    [KernelSymbol("include/linux/mm.h", "folio_needs_cow_for_dma")]
    public static bool FolioNeedsCowForDma(Vma vma, Folio folio) =>
        Memory.IsCowMapping(vma.Flags) && vma.Mm.HasPinned && FolioMaybeDmaPinned(folio);

    // follow_page_mask() after faultin_page(FOLL_WRITE): the page mapped writable at the address, or null.
    private static Page? FollowWritablePage(Machine machine, MmStruct mm, ulong address)
    {
        if (mm.FindVma(address) is not { } vma)
        {
            return null;
        }

        var (entry, level) = mm.PageTable.Walk(address);
        if (!entry.IsPresent || !entry.Write)
        {
            if ((Memory.HandleMmFault(machine, vma, address, FaultFlags.Write) & Memory.VmFaultError) != 0)
            {
                return null;
            }

            (entry, level) = mm.PageTable.Walk(address);
        }

        if (Rmap.VmNormalPage(machine, entry) is not { } head)
        {
            return null;
        }

        return machine.Memory.PfnToPage(head.Pfn + ((address & ((1UL << (int)level) - 1)) >> PhysicalMemory.PageShift));
    }
}
