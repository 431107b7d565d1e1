namespace KernelModel.Mm.Tests.Task;

public sealed class PageTableTests
{
    [Fact]
    public void Walk_FindsTheLargestLeafCoveringTheAddress()
    {
        var table = new PageTable();
        table.Set(0x7f00_0000_0000, Pte.Present(0x100, write: true));
        table.Set(0x7f00_0020_0000, Pte.Present(0x200, write: false), PageTableLevel.Pmd);
        table.Set(0x7f00_4000_0000, Pte.HwpoisonEntry(0x40000), PageTableLevel.Pud);

        Assert.Equal((Pte.Present(0x100, true), PageTableLevel.Pte), table.Walk(0x7f00_0000_0fff));
        Assert.Equal((Pte.Present(0x200, false), PageTableLevel.Pmd), table.Walk(0x7f00_003f_ffff));
        Assert.Equal(PteKind.Hwpoison, table.Walk(0x7f00_7fff_ffff).Entry.Kind);
        Assert.True(table.Walk(0x7f00_0000_1000).Entry.IsNone);
        Assert.Equal(3, table.Count);
    }

    [Fact]
    public void Set_UnalignedOrShadowedLeaf_IsRejected()
    {
        var table = new PageTable();
        table.Set(0x20_0000, Pte.Present(1, true), PageTableLevel.Pmd);

        Assert.Throws<ArgumentException>(() => table.Set(0x20_1000, Pte.Present(2, true), PageTableLevel.Pmd));
        Assert.Throws<ArgumentException>(() => table.Set(0x20_1000, Pte.Present(2, true)));
    }

    [Fact]
    public void Clear_RemovesTheEntry()
    {
        var table = new PageTable();
        table.Set(0x1000, Pte.SwapEntry(77));

        table.Clear(0x1fff);

        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void PtesIn_ListsTheRangeInAddressOrder()
    {
        var table = new PageTable();
        table.Set(0x3000, Pte.Present(3, true));
        table.Set(0x1000, Pte.Present(1, true));
        table.Set(0x9000, Pte.Present(9, true));

        Assert.Equal(new[] { (0x1000UL, Pte.Present(1, true)), (0x3000UL, Pte.Present(3, true)) }, table.PtesIn(0, 0x9000));
    }
}
