namespace KernelModel.Mm;

/// <summary>
/// One node's buddy allocator (mm/page_alloc.c; one ZONE_NORMAL per node). Free blocks sit on per-order lists.
/// So that a terabyte machine costs nothing to boot, MAX_PAGE_ORDER blocks nobody has touched are "fresh":
/// free by definition and put on the lists only when first used.
/// </summary>
[KernelSymbol("include/linux/mmzone.h", "zone")]
public sealed class Zone
{
    /// <summary>MAX_PAGE_ORDER: the largest buddy block is 2^10 pages (4 MiB).</summary>
    public const int MaxPageOrder = 10;

    private const ulong MaxBlockPages = 1UL << MaxPageOrder;

    private readonly PhysicalMemory _memory;
    private readonly FreeArea[] _freeArea;
    private readonly bool[] _materialized;
    private int _nextFresh;
    private ulong _freshFree;
    private ulong _listedFree;

    internal Zone(PhysicalMemory memory, NumaNode node, ulong reservedPages)
    {
        _memory = memory;
        Node = node;
        _freeArea = [.. Enumerable.Range(0, MaxPageOrder + 1).Select(o => new FreeArea(node.StartPfn, node.SpannedPages, o))];
        _materialized = new bool[(int)(node.SpannedPages / MaxBlockPages)];
        _freshFree = (ulong)_materialized.Length * MaxBlockPages;

        // The kernel image and early allocations: PG_reserved, never in the buddy lists.
        for (ulong pfn = node.StartPfn; pfn < node.StartPfn + reservedPages; pfn++)
        {
            var block = (int)((pfn - node.StartPfn) / MaxBlockPages);
            if (!_materialized[block])
            {
                _materialized[block] = true;
                _freshFree -= MaxBlockPages;
            }

            var page = memory.PfnToPage(pfn);
            page.Set(PageFlags.Reserved);
            page.RefCount = 1;
        }

        for (var b = 0; b < _materialized.Length; b++)
        {
            if (_materialized[b])
            {
                for (var pfn = BlockPfn(b); pfn < BlockPfn(b) + MaxBlockPages; pfn++)
                {
                    if (pfn >= node.StartPfn + reservedPages)
                    {
                        AddFree(pfn, 0);
                    }
                }
            }
        }

        Coalesce();
    }

    /// <summary>The node this zone serves.</summary>
    public NumaNode Node { get; }

    /// <summary>NR_FREE_PAGES.</summary>
    public ulong NrFreePages => _freshFree + _listedFree;

    /// <summary>
    /// __alloc_pages() for one order-<paramref name="order"/> folio, or null when the zone cannot satisfy it.
    /// Blocks holding a PG_hwpoison page are never handed out (check_new_pages drops them).
    /// </summary>
    [KernelSymbol("mm/page_alloc.c", "__alloc_pages")]
    public Folio? AllocFolio(int order)
    {
        if (order < 0 || order > MaxPageOrder)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, $"buddy orders are 0..{MaxPageOrder}");
        }

        while (true)
        {
            var found = -1;
            for (var o = order; o <= MaxPageOrder; o++)
            {
                if (_freeArea[o].Count > 0)
                {
                    found = o;
                    break;
                }
            }

            if (found < 0)
            {
                if (!MaterializeNextFresh())
                {
                    return null;
                }

                continue;
            }

            var pfn = _freeArea[found].Min;
            RemoveFree(pfn, found);
            Expand(pfn, order, found);
            if (CheckNewPages(pfn, order))
            {
                return PrepNewFolio(pfn, order);
            }
        }
    }

    /// <summary>
    /// alloc_contig_pages() for a gigantic (above MAX_PAGE_ORDER) folio: a naturally aligned run of fresh
    /// blocks, as the boot-time hugetlb reservation takes them.
    /// </summary>
    [KernelSymbol("mm/page_alloc.c", "alloc_contig_pages")]
    public Folio? AllocContig(int order)
    {
        if (order <= MaxPageOrder || order > 30)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, $"contiguous allocations are orders {MaxPageOrder + 1}..30");
        }

        var blocks = 1 << (order - MaxPageOrder);
        for (var first = 0; first + blocks <= _materialized.Length; first += blocks)
        {
            if ((BlockPfn(first) & ((1UL << order) - 1)) != 0 || _materialized.AsSpan(first, blocks).Contains(true))
            {
                continue;
            }

            for (var b = first; b < first + blocks; b++)
            {
                _materialized[b] = true;
            }

            _freshFree -= (ulong)blocks * MaxBlockPages;
            return PrepNewFolio(BlockPfn(first), order);
        }

        return null;
    }

    /// <summary>
    /// __free_pages() of a folio. A PG_hwpoison page never goes back to the free lists (free_pages_prepare);
    /// a large folio with poisoned pages returns only its clean pages (free_has_hwpoisoned, newer kernels).
    /// </summary>
    [KernelSymbol("mm/page_alloc.c", "__free_pages")]
    public void FreeFolio(Folio folio)
    {
        var order = folio.Order;
        var pfn = folio.Pfn;
        var nrPages = folio.NrPages;
        var poisoned = false;
        for (ulong i = 0; i < nrPages; i++)
        {
            var page = _memory.PeekPage(pfn + i);
            poisoned |= page?.IsHwpoison ?? false;
            if (page is not null)
            {
                ResetFreedPage(page);
            }
        }

        if (!poisoned && order <= MaxPageOrder)
        {
            FreeOneBlock(pfn, order);
            return;
        }

        for (ulong i = 0; i < nrPages; i++)
        {
            if (!(_memory.PeekPage(pfn + i)?.IsHwpoison ?? false))
            {
                FreeOneBlock(pfn + i, 0);
            }
        }
    }

    /// <summary>is_free_buddy_page(): whether the frame lies in a free block.</summary>
    [KernelSymbol("mm/page_alloc.c", "is_free_buddy_page")]
    public bool IsFreeBuddyPage(ulong pfn) => FindFreeBlock(pfn) is not null || IsFresh(pfn);

    /// <summary>
    /// take_page_off_buddy(): pull one frame out of the free block holding it, giving the rest of the block
    /// back as smaller blocks, so the frame can never be allocated. False when the frame is not free.
    /// </summary>
    [KernelSymbol("mm/page_alloc.c", "take_page_off_buddy")]
    public bool TakePageOffBuddy(ulong pfn)
    {
        if (IsFresh(pfn))
        {
            Materialize((int)((pfn - Node.StartPfn) / MaxBlockPages));
        }

        if (FindFreeBlock(pfn) is not (var head, var order))
        {
            return false;
        }

        RemoveFree(head, order);
        while (order > 0)
        {
            order--;
            var half = 1UL << order;
            if (pfn >= head + half)
            {
                AddFree(head, order);
                head += half;
            }
            else
            {
                AddFree(head + half, order);
            }
        }

        return true;
    }

    private void FreeOneBlock(ulong pfn, int order)
    {
        while (order < MaxPageOrder)
        {
            var buddy = pfn ^ (1UL << order);
            if (!Node.Contains(buddy) || !_freeArea[order].Contains(buddy))
            {
                break;
            }

            RemoveFree(buddy, order);
            pfn = Math.Min(pfn, buddy);
            order++;
        }

        AddFree(pfn, order);
    }

    private static void ResetFreedPage(Page page)
    {
        page.Flags &= PageFlags.Hwpoison;
        page.Type = PageType.None;
        page.RefCount = 0;
        page.MapCount = 0;
        page.Mapping = null;
        page.Index = 0;
        page.SwapOffset = 0;
        page.CompoundHead = null;
        page.Order = 0;
    }

    private Folio PrepNewFolio(ulong pfn, int order)
    {
        var head = _memory.PfnToPage(pfn);
        ResetFreedPage(head);
        head.RefCount = 1;
        head.Order = order;
        if (order > 0)
        {
            head.Set(PageFlags.Head);
            for (ulong i = 1; i < 1UL << order; i++)
            {
                var tail = _memory.PfnToPage(pfn + i);
                ResetFreedPage(tail);
                tail.CompoundHead = head;
            }
        }

        return new Folio(head);
    }

    // check_new_pages(): a block with a poisoned page is bad; the kernel leaves it out of use.
    private bool CheckNewPages(ulong pfn, int order)
    {
        for (ulong i = 0; i < 1UL << order; i++)
        {
            if (_memory.PeekPage(pfn + i)?.IsHwpoison ?? false)
            {
                return false;
            }
        }

        return true;
    }

    // expand(): split a block of order `high` down to `low`, returning the upper halves to the lists.
    private void Expand(ulong pfn, int low, int high)
    {
        while (high > low)
        {
            high--;
            AddFree(pfn + (1UL << high), high);
        }
    }

    private (ulong Head, int Order)? FindFreeBlock(ulong pfn)
    {
        for (var o = 0; o <= MaxPageOrder; o++)
        {
            var head = pfn & ~((1UL << o) - 1);
            if (_freeArea[o].Contains(head))
            {
                return (head, o);
            }
        }

        return null;
    }

    private bool IsFresh(ulong pfn) => Node.Contains(pfn) && !_materialized[(int)((pfn - Node.StartPfn) / MaxBlockPages)];

    private bool MaterializeNextFresh()
    {
        while (_nextFresh < _materialized.Length && _materialized[_nextFresh])
        {
            _nextFresh++;
        }

        if (_nextFresh == _materialized.Length)
        {
            return false;
        }

        Materialize(_nextFresh);
        return true;
    }

    private void Materialize(int block)
    {
        _materialized[block] = true;
        _freshFree -= MaxBlockPages;
        AddFree(BlockPfn(block), MaxPageOrder);
    }

    private void Coalesce()
    {
        for (var o = 0; o < MaxPageOrder; o++)
        {
            foreach (var pfn in _freeArea[o].ToArray())
            {
                if (_freeArea[o].Contains(pfn))
                {
                    RemoveFree(pfn, o);
                    FreeOneBlock(pfn, o);
                }
            }
        }
    }

    private ulong BlockPfn(int block) => Node.StartPfn + ((ulong)block * MaxBlockPages);

    private void AddFree(ulong pfn, int order)
    {
        _freeArea[order].Add(pfn);
        _listedFree += 1UL << order;
    }

    private void RemoveFree(ulong pfn, int order)
    {
        _freeArea[order].Remove(pfn);
        _listedFree -= 1UL << order;
    }
}
