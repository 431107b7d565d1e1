namespace KernelModel.Mm;

/// <summary>
/// copy_user_large_folio() and its helpers (mm/memory.c): a huge page is copied 4 KiB page by page with
/// copy_mc_user_highpage(), and the first page that fails ends the copy with -EHWPOISON.
/// </summary>
public static class LargeFolioCopy
{
    /// <summary>MAX_ORDER_NR_PAGES: folios above this many pages are gigantic.</summary>
    public const ulong MaxOrderNrPages = 1UL << Zone.MaxPageOrder;

    /// <summary>
    /// copy_user_large_folio(): gigantic folios are copied in page order; others with process_huge_page(), which
    /// copies the page holding <paramref name="addrHint"/> last.
    /// </summary>
    [KernelSymbol("mm/memory.c", "copy_user_large_folio")]
    public static int CopyUserLargeFolio(Machine machine, Folio dst, Folio src, ulong addrHint, Vma vma)
    {
        using (machine.Tracer.Enter("copy_user_large_folio"))
        {
            var nr = dst.NrPages;
            if (nr > MaxOrderNrPages)
            {
                return CopyUserGiganticPage(machine, dst, src, addrHint, vma);
            }

            return ProcessHugePage(machine, addrHint, nr, (addr, i) => CopySubpage(machine, dst, src, addr, i, vma));
        }
    }

    /// <summary>copy_user_gigantic_page(): every page in order.</summary>
    [KernelSymbol("mm/memory.c", "copy_user_gigantic_page")]
    private static int CopyUserGiganticPage(Machine machine, Folio dst, Folio src, ulong addrHint, Vma vma)
    {
        using (machine.Tracer.Enter("copy_user_gigantic_page"))
        {
            var addr = addrHint & ~(dst.Size - 1);
            for (ulong i = 0; i < dst.NrPages; i++)
            {
                if (Highmem.CopyMcUserHighpage(machine, dst.PageAt(machine.Memory, i), src.PageAt(machine.Memory, i), addr + (i << PhysicalMemory.PageShift), vma) != 0)
                {
                    return -Errno.EHWPOISON;
                }
            }

            return 0;
        }
    }

    /// <summary>
    /// process_huge_page(): processes every page of a huge page, the target (holding <paramref name="addrHint"/>)
    /// last to keep its cache lines hot: first the far end of the huge page, then the rest alternately from the left
    /// and the right towards the target. Stops at the first non-zero result.
    /// </summary>
    [KernelSymbol("mm/memory.c", "process_huge_page")]
    private static int ProcessHugePage(Machine machine, ulong addrHint, ulong nrPages, Func<ulong, ulong, int> processSubpage)
    {
        using (machine.Tracer.Enter("process_huge_page"))
        {
            var addr = addrHint & ~((nrPages << PhysicalMemory.PageShift) - 1);
            var n = (long)((addrHint - addr) >> PhysicalMemory.PageShift);
            var nr = (long)nrPages;
            long b, l;
            if (2 * n <= nr)
            {
                b = 0;
                l = n;
                for (var i = nr - 1; i >= 2 * n; i--)
                {
                    var ret = processSubpage(addr + ((ulong)i << PhysicalMemory.PageShift), (ulong)i);
                    if (ret != 0)
                    {
                        return ret;
                    }
                }
            }
            else
            {
                b = nr - (2 * (nr - n));
                l = nr - n;
                for (long i = 0; i < b; i++)
                {
                    var ret = processSubpage(addr + ((ulong)i << PhysicalMemory.PageShift), (ulong)i);
                    if (ret != 0)
                    {
                        return ret;
                    }
                }
            }

            for (long i = 0; i < l; i++)
            {
                var left = b + i;
                var right = b + (2 * l) - 1 - i;
                var retLeft = processSubpage(addr + ((ulong)left << PhysicalMemory.PageShift), (ulong)left);
                if (retLeft != 0)
                {
                    return retLeft;
                }

                var retRight = processSubpage(addr + ((ulong)right << PhysicalMemory.PageShift), (ulong)right);
                if (retRight != 0)
                {
                    return retRight;
                }
            }

            return 0;
        }
    }

    /// <summary>copy_subpage(): one page of the copy; -EHWPOISON when copy_mc_user_highpage() failed.</summary>
    [KernelSymbol("mm/memory.c", "copy_subpage")]
    private static int CopySubpage(Machine machine, Folio dst, Folio src, ulong addr, ulong index, Vma vma) =>
        Highmem.CopyMcUserHighpage(machine, dst.PageAt(machine.Memory, index), src.PageAt(machine.Memory, index), addr, vma) != 0 ? -Errno.EHWPOISON : 0;
}
