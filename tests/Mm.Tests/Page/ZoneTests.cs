namespace KernelModel.Mm.Tests.Page;

public sealed class ZoneTests
{
    private static PageAllocator NewAllocator(out PhysicalMemory memory, ulong bytes = 1UL << 30, int nodes = 1)
    {
        memory = new PhysicalMemory(bytes, nodes);
        return new PageAllocator(memory, reservedPages: 16);
    }

    [Fact]
    public void Boot_ReservedPagesAreReservedAndEverythingElseIsFree()
    {
        var allocator = NewAllocator(out var memory);

        Assert.Equal(memory.MaxPfn - 16, allocator.NrFreePages);
        Assert.True(memory.PfnToPage(3).Test(PageFlags.Reserved));
        Assert.False(allocator.IsFreeBuddyPage(3));
        Assert.True(allocator.IsFreeBuddyPage(16));
        Assert.True(allocator.IsFreeBuddyPage(memory.MaxPfn - 1));
    }

    [Fact]
    public void AllocAndFree_RestoresTheFreeCountAndMergesBuddies()
    {
        var allocator = NewAllocator(out _);
        var free = allocator.NrFreePages;

        var folios = Enumerable.Range(0, 100).Select(i => allocator.AllocFolio(i % 4)!.Value).ToList();
        Assert.Equal(free - (ulong)folios.Sum(f => (long)f.NrPages), allocator.NrFreePages);
        Assert.All(folios, f => Assert.Equal(1, f.RefCount));
        Assert.Equal(folios.Count, folios.Select(f => f.Pfn).Distinct().Count());

        folios.ForEach(allocator.FreeFolio);

        Assert.Equal(free, allocator.NrFreePages);
        var big = allocator.AllocFolio(Zone.MaxPageOrder);
        Assert.NotNull(big);
        Assert.Equal(0UL, big.Value.Pfn % (1UL << Zone.MaxPageOrder));
    }

    [Fact]
    public void LargeFolio_IsCompoundWithTailsPointingAtTheHead()
    {
        var allocator = NewAllocator(out var memory);

        var folio = allocator.AllocFolio(9)!.Value;

        Assert.True(folio.Test(PageFlags.Head));
        Assert.Equal(512UL, folio.NrPages);
        Assert.Equal(folio, memory.PfnToPage(folio.Pfn + 300).Folio);
        Assert.Same(folio.Head, memory.PfnToPage(folio.Pfn + 511).CompoundHead);
    }

    [Fact]
    public void TakePageOffBuddy_FrameIsNeverHandedOutButTheRestOfItsBlockIs()
    {
        var allocator = NewAllocator(out var memory, bytes: 128UL << 20);
        const ulong victim = 5000;

        Assert.True(allocator.TakePageOffBuddy(victim));
        Assert.False(allocator.IsFreeBuddyPage(victim));
        Assert.False(allocator.TakePageOffBuddy(victim));

        var handedOut = new List<ulong>();
        while (allocator.AllocFolio(0) is { } f)
        {
            handedOut.Add(f.Pfn);
        }

        Assert.DoesNotContain(victim, handedOut);
        Assert.Contains(victim - 1, handedOut);
        Assert.Contains(victim + 1, handedOut);
        Assert.Equal((long)(memory.MaxPfn - 16 - 1), handedOut.Count);
    }

    [Fact]
    public void FreedHwpoisonPage_NeverReturnsToTheFreeLists()
    {
        var allocator = NewAllocator(out _, bytes: 128UL << 20);
        var folio = allocator.AllocFolio(0)!.Value;
        var free = allocator.NrFreePages;

        folio.Head.Set(PageFlags.Hwpoison);
        allocator.FreeFolio(folio);

        Assert.Equal(free, allocator.NrFreePages);
        Assert.True(folio.Head.IsHwpoison);
        var all = new List<ulong>();
        while (allocator.AllocFolio(0) is { } f)
        {
            all.Add(f.Pfn);
        }

        Assert.DoesNotContain(folio.Pfn, all);
    }

    [Fact]
    public void FreedLargeFolioWithAPoisonedPage_ReturnsOnlyItsCleanPages()
    {
        var allocator = NewAllocator(out var memory, bytes: 128UL << 20);
        var folio = allocator.AllocFolio(3)!.Value;
        var free = allocator.NrFreePages;

        memory.PfnToPage(folio.Pfn + 2).Set(PageFlags.Hwpoison);
        allocator.FreeFolio(folio);

        Assert.Equal(free + 7, allocator.NrFreePages);
        Assert.False(allocator.IsFreeBuddyPage(folio.Pfn + 2));
        Assert.True(allocator.IsFreeBuddyPage(folio.Pfn + 3));
    }

    [Fact]
    public void AllocFolio_PrefersTheGivenNodeThenFallsBack()
    {
        var allocator = NewAllocator(out var memory, bytes: 256UL << 20, nodes: 2);

        Assert.Equal(1, memory.NodeOf(allocator.AllocFolio(0, preferredNid: 1)!.Value.Pfn));
        while (allocator.Zones[1].AllocFolio(Zone.MaxPageOrder) is not null)
        {
        }

        while (allocator.Zones[1].AllocFolio(0) is not null)
        {
        }

        Assert.Equal(0, memory.NodeOf(allocator.AllocFolio(0, preferredNid: 1)!.Value.Pfn));
        Assert.Throws<ArgumentOutOfRangeException>(() => allocator.AllocFolio(0, preferredNid: 2));
    }

    [Fact]
    public void GiganticFolio_ComesFromAFreshAlignedRun()
    {
        var allocator = NewAllocator(out _, bytes: 4UL << 30);

        var folio = allocator.AllocFolio(18)!.Value;

        Assert.Equal(0UL, folio.Pfn % (1UL << 18));
        Assert.Equal(18, folio.Order);
    }
}
