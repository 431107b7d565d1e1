namespace KernelModel.Mm;

/// <summary>The page allocator across nodes: one <see cref="Zone"/> per node, falling back to the other nodes in nid order.</summary>
public sealed class PageAllocator
{
    private readonly PhysicalMemory _memory;

    // An array, not the IReadOnlyList the property shows: every page allocation walks it.
    private readonly Zone[] _zones;

    /// <summary>Builds the zones; <paramref name="reservedPages"/> at the start of node 0 are the kernel's own (PG_reserved).</summary>
    public PageAllocator(PhysicalMemory memory, ulong reservedPages)
    {
        _memory = memory;
        _zones = [.. memory.Nodes.Select(n => new Zone(memory, n, n.Nid == 0 ? reservedPages : 0))];
    }

    /// <summary>One zone per node, in nid order.</summary>
    public IReadOnlyList<Zone> Zones => _zones;

    /// <summary>Free pages on all nodes.</summary>
    public ulong NrFreePages => (ulong)Zones.Sum(z => (decimal)z.NrFreePages);

    /// <summary>folio_alloc() on the preferred node, falling back to the others; null when memory is exhausted.</summary>
    [KernelSymbol("mm/mempolicy.c", "folio_alloc")]
    public Folio? AllocFolio(int order, int preferredNid = 0)
    {
        if (preferredNid < 0 || preferredNid >= _zones.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(preferredNid), preferredNid, $"valid nodes are 0..{_zones.Length - 1}");
        }

        for (var i = 0; i < _zones.Length; i++)
        {
            var zone = _zones[(preferredNid + i) % _zones.Length];
            var folio = order > Zone.MaxPageOrder ? zone.AllocContig(order) : zone.AllocFolio(order);
            if (folio is not null)
            {
                return folio;
            }
        }

        return null;
    }

    /// <summary>folio_put() reaching zero: back to the node's buddy lists.</summary>
    public void FreeFolio(Folio folio) => ZoneOf(folio.Pfn).FreeFolio(folio);

    /// <summary>is_free_buddy_page().</summary>
    public bool IsFreeBuddyPage(ulong pfn) => ZoneOf(pfn).IsFreeBuddyPage(pfn);

    /// <summary>take_page_off_buddy().</summary>
    public bool TakePageOffBuddy(ulong pfn) => ZoneOf(pfn).TakePageOffBuddy(pfn);

    /// <summary>The zone that owns a frame.</summary>
    public Zone ZoneOf(ulong pfn) => _zones[_memory.NodeOf(pfn)];
}
