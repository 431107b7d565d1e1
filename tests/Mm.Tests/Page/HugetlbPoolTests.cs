namespace KernelModel.Mm.Tests.Page;

public sealed class HugetlbPoolTests
{
    [Fact]
    public void Boot_ReservesThePoolsInHstateOrder()
    {
        var machine = new Machine(new MachineConfig { MemoryBytes = 4UL << 30, Hugepages2M = 4, Hugepages1G = 1 }, m => new GenericArchitecture(m));

        var h2 = machine.Hugetlb.Hstates[0];
        var h1 = machine.Hugetlb.Hstates[1];
        Assert.Equal((9, 21, "hugepages-2048kB", 4, 4), (h2.Order, h2.Shift, h2.Name, h2.NrHugePages, h2.FreeHugePages));
        Assert.Equal((18, 30, "hugepages-1048576kB", 1), (h1.Order, h1.Shift, h1.Name, h1.NrHugePages));
        Assert.Same(h1, machine.Hugetlb.SizeToHstate(1UL << 30));
    }

    [Fact]
    public void AllocAndFree_CleanPageGoesBackToThePool()
    {
        var machine = new Machine(new MachineConfig { MemoryBytes = 1UL << 30, Hugepages2M = 1 }, m => new GenericArchitecture(m));
        var h = machine.Hugetlb.Hstates[0];

        var folio = machine.Hugetlb.AllocHugetlbFolio(h)!.Value;
        Assert.True(folio.IsHugetlb);
        Assert.Null(machine.Hugetlb.AllocHugetlbFolio(h));

        machine.PutFolio(folio);

        Assert.Equal(1, h.FreeHugePages);
        Assert.Equal(1, h.NrHugePages);
    }

    [Fact]
    public void FreePoisonedHugePage_IsDissolvedAndOnlyTheRawPoisonedPageStaysOut()
    {
        var machine = new Machine(new MachineConfig { MemoryBytes = 1UL << 30, Hugepages2M = 1 }, m => new GenericArchitecture(m));
        var h = machine.Hugetlb.Hstates[0];
        var folio = machine.Hugetlb.AllocHugetlbFolio(h)!.Value;
        var free = machine.Allocator.NrFreePages;
        machine.Memory.PfnToPage(folio.Pfn + 7).Set(PageFlags.Hwpoison);
        folio.Set(PageFlags.HasHwpoisoned);

        machine.PutFolio(folio);

        Assert.Equal(0, h.NrHugePages);
        Assert.Equal(free + 511, machine.Allocator.NrFreePages);
        Assert.False(machine.Allocator.IsFreeBuddyPage(folio.Pfn + 7));
    }
}
