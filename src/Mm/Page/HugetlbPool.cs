namespace KernelModel.Mm;

/// <summary>
/// The hugetlb pools (mm/hugetlb.c): huge pages reserved at boot, handed to hugetlb mappings and returned
/// to the pool when freed. A huge page the kernel knows is poisoned is not returned to the pool: it is
/// dissolved, its clean 4 KiB pages going back to the buddy allocator and the raw poisoned pages staying out
/// of use (free_huge_folio, dissolve_free_hugetlb_folio).
/// </summary>
public sealed class HugetlbPool
{
    private readonly PageAllocator _allocator;

    /// <summary>Creates the hstates in the given order (their hstates[] indices) with no pages yet.</summary>
    public HugetlbPool(PageAllocator allocator, IEnumerable<int> orders)
    {
        _allocator = allocator;
        Hstates = orders.Select((order, i) => order is 9 or 18
            ? new Hstate(i, order)
            : throw new ArgumentOutOfRangeException(nameof(orders), order, "hugetlb orders are 9 (2 MiB) and 18 (1 GiB)")).ToArray();
    }

    /// <summary>hstates[], in index order.</summary>
    public IReadOnlyList<Hstate> Hstates { get; }

    /// <summary>size_to_hstate(): the pool for a huge page size, or null when none is configured.</summary>
    [KernelSymbol("include/linux/hugetlb.h", "size_to_hstate")]
    public Hstate? SizeToHstate(ulong size) => Hstates.FirstOrDefault(h => h.Size == size);

    /// <summary>Grows a pool by <paramref name="count"/> pages (echo N > nr_hugepages); returns how many it got.</summary>
    [KernelSymbol("mm/hugetlb.c", "set_max_huge_pages")]
    public int Grow(Hstate h, int count, int nid = 0)
    {
        var got = 0;
        for (; got < count; got++)
        {
            if (_allocator.AllocFolio(h.Order, nid) is not { } folio)
            {
                break;
            }

            folio.Head.Type = PageType.Hugetlb;
            folio.Head.RefCount = 0;
            h.NrHugePages++;
            h.Enqueue(folio.Head);
        }

        return got;
    }

    /// <summary>alloc_hugetlb_folio(): a huge page from the pool with one reference, or null when the pool is empty.</summary>
    [KernelSymbol("mm/hugetlb.c", "alloc_hugetlb_folio")]
    public Folio? AllocHugetlbFolio(Hstate h)
    {
        if (h.Dequeue() is not { } head)
        {
            return null;
        }

        head.RefCount = 1;
        head.Flags &= PageFlags.Head;
        head.Mapping = null;
        head.Index = 0;
        head.MapCount = 0;
        return new Folio(head);
    }

    /// <summary>
    /// free_huge_folio(): the last reference is gone. A clean page goes back to the pool; one with a poisoned
    /// sub-page is dissolved and only its clean pages reach the buddy allocator.
    /// </summary>
    [KernelSymbol("mm/hugetlb.c", "free_huge_folio")]
    public void FreeHugetlbFolio(Folio folio)
    {
        var h = Hstates.First(s => s.Order == folio.Order);
        if (folio.Test(PageFlags.Hwpoison) || folio.Test(PageFlags.HasHwpoisoned))
        {
            DissolveHugetlbFolio(h, folio);
            return;
        }

        folio.Head.RefCount = 0;
        folio.Head.Mapping = null;
        folio.Head.MapCount = 0;
        folio.Head.Flags &= PageFlags.Head;
        h.Enqueue(folio.Head);
    }

    /// <summary>
    /// dissolve_free_hugetlb_folio() on a huge page that sits free in its pool: takes it off the free list and
    /// dissolves it. False (nothing done) when the folio is not a free huge page.
    /// </summary>
    [KernelSymbol("mm/hugetlb.c", "dissolve_free_hugetlb_folio")]
    public bool DissolveFreeHugetlbFolio(Folio folio)
    {
        if (!folio.IsHugetlb || folio.RefCount != 0 || Hstates.FirstOrDefault(s => s.Order == folio.Order) is not { } h || !h.Remove(folio.Head))
        {
            return false;
        }

        DissolveHugetlbFolio(h, folio);
        return true;
    }

    /// <summary>dissolve_free_hugetlb_folio(): turn a free huge page back into 4 KiB pages, leaving poisoned ones out.</summary>
    [KernelSymbol("mm/hugetlb.c", "dissolve_free_hugetlb_folio")]
    public void DissolveHugetlbFolio(Hstate h, Folio folio)
    {
        h.NrHugePages--;
        folio.Head.Type = PageType.None;
        folio.Head.Clear(PageFlags.HasHwpoisoned);
        _allocator.FreeFolio(folio);
    }
}
