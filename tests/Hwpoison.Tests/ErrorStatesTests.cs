using KernelModel.Mm;

namespace KernelModel.Hwpoison.Tests;

/// <summary>error_states[] and action_page_types[] as data: the kernel's rows, order, strings and numbers.</summary>
public sealed class ErrorStatesTests
{
    [Fact]
    public void Table_HasTheKernelsRowsInOrder()
    {
        Assert.Equal(
        [
            (PageFlags.Reserved, PageFlags.Reserved, ActionPageType.Kernel, "me_kernel"),
            (PageFlags.Head, PageFlags.Head, ActionPageType.Huge, "me_huge_page"),
            (PageFlags.Swapcache | PageFlags.Swapbacked | PageFlags.Dirty, PageFlags.Swapcache | PageFlags.Swapbacked | PageFlags.Dirty, ActionPageType.DirtySwapcache, "me_swapcache_dirty"),
            (PageFlags.Swapcache | PageFlags.Swapbacked | PageFlags.Dirty, PageFlags.Swapcache | PageFlags.Swapbacked, ActionPageType.CleanSwapcache, "me_swapcache_clean"),
            (PageFlags.Mlocked | PageFlags.Dirty, PageFlags.Mlocked | PageFlags.Dirty, ActionPageType.DirtyMlockedLru, "me_pagecache_dirty"),
            (PageFlags.Mlocked | PageFlags.Dirty, PageFlags.Mlocked, ActionPageType.CleanMlockedLru, "me_pagecache_clean"),
            (PageFlags.Unevictable | PageFlags.Dirty, PageFlags.Unevictable | PageFlags.Dirty, ActionPageType.DirtyUnevictableLru, "me_pagecache_dirty"),
            (PageFlags.Unevictable | PageFlags.Dirty, PageFlags.Unevictable, ActionPageType.CleanUnevictableLru, "me_pagecache_clean"),
            (PageFlags.Lru | PageFlags.Dirty, PageFlags.Lru | PageFlags.Dirty, ActionPageType.DirtyLru, "me_pagecache_dirty"),
            (PageFlags.Lru | PageFlags.Dirty, PageFlags.Lru, ActionPageType.CleanLru, "me_pagecache_clean"),
            (PageFlags.None, PageFlags.None, ActionPageType.Unknown, "me_unknown"),
        ], ErrorStates.Table.Select(r => (r.Mask, r.Value, r.Type, r.ActionName)));
    }

    [Theory]
    [InlineData(PageFlags.Reserved | PageFlags.Lru | PageFlags.Dirty, ActionPageType.Kernel)]
    [InlineData(PageFlags.Mlocked | PageFlags.Unevictable | PageFlags.Lru, ActionPageType.CleanMlockedLru)]
    [InlineData(PageFlags.Unevictable | PageFlags.Lru | PageFlags.Dirty, ActionPageType.DirtyUnevictableLru)]
    [InlineData(PageFlags.Swapcache | PageFlags.Lru, ActionPageType.CleanLru)]
    [InlineData(PageFlags.Writeback, ActionPageType.Unknown)]
    public void Match_FirstMatchingRowWins(PageFlags flags, ActionPageType type)
    {
        Assert.Equal(type, ErrorStates.Match(flags).Type);
    }

    [Fact]
    public void Identify_FallsBackToTheSavedFlagsOnlyWhenTheCurrentOnesMatchNothing()
    {
        Assert.Equal(ActionPageType.DirtyMlockedLru, ErrorStates.Identify(PageFlags.Dirty, PageFlags.Mlocked).Type);
        Assert.Equal(ActionPageType.CleanLru, ErrorStates.Identify(PageFlags.Lru, PageFlags.Mlocked).Type);
    }

    [Fact]
    public void ReservedRow_MeKernelIgnoresThePage()
    {
        var m = TestMachine.Boot();
        var page = m.Memory.PfnToPage(2);

        Assert.Equal(-Errno.EBUSY, m.Mf().IdentifyPageState(2, page, page.Flags));

        Assert.Equal(["Memory failure: 0x2: recovery action for reserved kernel page: Ignored"], m.Texts());
    }

    [Fact]
    public void CatchAllRow_MeUnknownSaysUnknownPageState()
    {
        var m = TestMachine.Boot();
        var page = m.Memory.PfnToPage(0x12345);

        Assert.Equal(-Errno.EBUSY, m.Mf().IdentifyPageState(0x12345, page, PageFlags.None));

        Assert.Equal(
        [
            "Memory failure: 0x12345: Unknown page state",
            "Memory failure: 0x12345: recovery action for unknown page: Ignored",
        ], m.Texts());
    }

    [Fact]
    public void ActionPageTypes_AreTheKernelsStringsAndNumbers()
    {
        var v617 = HwpoisonOptions.V617;
        Assert.Equal(
        [
            "reserved kernel page", "high-order kernel page", "huge page", "free huge page", "get hwpoison page",
            "unmapping failed page", "dirty swapcache page", "clean swapcache page", "dirty mlocked LRU page",
            "clean mlocked LRU page", "dirty unevictable LRU page", "clean unevictable LRU page", "dirty LRU page",
            "clean LRU page", "already truncated LRU page", "free buddy page", "dax page", "unsplit thp",
            "already poisoned", "non struct page pfn", "unknown page",
        ], Enum.GetValues<ActionPageType>().Select(t => ActionPageTypes.Name(t, v617)));
        Assert.Equal("already poisoned page", ActionPageTypes.Name(ActionPageType.AlreadyPoisoned, HwpoisonOptions.MmNext));
        Assert.Equal(19, ActionPageTypes.TraceValue(ActionPageType.Unknown, v617));
        Assert.Equal(20, ActionPageTypes.TraceValue(ActionPageType.Unknown, HwpoisonOptions.MmNext));
        Assert.Equal(18, ActionPageTypes.TraceValue(ActionPageType.AlreadyPoisoned, v617));
    }
}
