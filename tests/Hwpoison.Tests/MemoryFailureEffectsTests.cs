using KernelModel.Mm;

namespace KernelModel.Hwpoison.Tests;

/// <summary>What the handlers really do to the machine: split, dissolve, keep, drop.</summary>
public sealed class MemoryFailureEffectsTests
{
    [Fact]
    public void AnonThp_IsSplitAndOnlyThePoisonedPageIsLost()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonThp, subpage: 5);
        var head = t.Pfn - 5;
        var base0 = t.Address!.Value - (5 << 12);

        Assert.Equal(0, m.MemoryFailure(t.Pfn, MfFlags.None));

        var table = t.Owner!.Mm!.PageTable;
        Assert.Equal((Pte.Present(head + 4, write: true, dirty: true), PageTableLevel.Pte), table.Walk(base0 + (4 << 12)));
        Assert.Equal(Pte.HwpoisonEntry(t.Pfn), table.Walk(t.Address.Value).Entry);
        Assert.Equal(0, t.Page.Folio.Order);
        var neighbour = m.Memory.PfnToPage(head + 6);
        Assert.Equal((0, 1, 1, false), (neighbour.Folio.Order, neighbour.MapCount, neighbour.RefCount, neighbour.IsHwpoison));
        Assert.Equal(1, t.Page.RefCount);
    }

    // try_to_unmap_one() installs the hwpoison entry before it would try to share an exclusive anonymous page, so a
    // DMA pin does not keep the page mapped; me_pagecache_clean() returns Recovered for an anonymous page without
    // looking at the references the pin still holds.
    [Fact]
    public void PinnedAnonPage_IsUnmappedToAHwpoisonEntryAndRecoveredWhileThePinStillHoldsIt()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonPinned);

        Assert.Equal(0, m.MemoryFailure(t.Pfn, MfFlags.None));

        Assert.Equal(Pte.HwpoisonEntry(t.Pfn), t.Owner!.PteAt(t.Address!.Value));
        Assert.Equal((0, 1 + Gup.GupPinCountingBias), (t.Page.MapCount, t.Page.RefCount));
        Assert.DoesNotContain(m.Texts(), l => l.Contains("still referenced", StringComparison.Ordinal));
    }

    [Fact]
    public void HugetlbAnon_TheHugePageIsDissolvedAndOnlyTheRawPageStaysOut()
    {
        var m = TestMachine.Boot(hugepages2M: 1);
        var h = m.Hugetlb.SizeToHstate(2UL << 20)!;
        var t = m.Target(TargetPageKind.HugetlbAnon, subpage: 9);
        var head = t.Pfn - 9;

        Assert.Equal(0, m.MemoryFailure(t.Pfn, MfFlags.None));

        Assert.Equal((Pte.HwpoisonEntry(head), PageTableLevel.Pmd), t.Owner!.Mm!.PageTable.Walk(t.Address!.Value));
        Assert.Equal(0, h.NrHugePages);
        Assert.True(m.Allocator.IsFreeBuddyPage(head + 8));
        Assert.False(m.Allocator.IsFreeBuddyPage(t.Pfn));
        Assert.True(t.Page.IsHwpoison);
        Assert.False(m.Memory.PfnToPage(head).IsHwpoison);
    }

    [Fact]
    public void HugetlbFile_StaysInThePageCacheMarkedPoisoned()
    {
        var m = TestMachine.Boot(hugepages2M: 1);
        var t = m.Target(TargetPageKind.HugetlbFile, subpage: 2);

        Assert.Equal(0, m.MemoryFailure(t.Pfn, MfFlags.None));

        var folio = t.File!.Mapping.Lookup(0)!.Value;
        Assert.Equal(t.Pfn - 2, folio.Pfn);
        Assert.True(folio.Test(PageFlags.HasHwpoisoned));
        Assert.True(t.Page.IsHwpoison);
    }

    [Fact]
    public void FreeHugePage_IsDissolvedOutOfThePool()
    {
        var m = TestMachine.Boot(hugepages2M: 1);
        var h = m.Hugetlb.SizeToHstate(2UL << 20)!;
        var t = m.Target(TargetPageKind.HugetlbFree, subpage: 100);

        Assert.Equal(0, m.MemoryFailure(t.Pfn, MfFlags.None));

        Assert.Equal((0, 0), (h.NrHugePages, h.FreeHugePages));
        Assert.False(m.Allocator.IsFreeBuddyPage(t.Pfn));
        Assert.True(m.Allocator.IsFreeBuddyPage(t.Pfn + 1));
    }

    [Fact]
    public void SecondRawPageOfAPoisonedHugePage_HugePageFailedAndEhwpoison()
    {
        var m = TestMachine.Boot(hugepages2M: 1);
        var t = m.Target(TargetPageKind.HugetlbFile, subpage: 2);
        m.MemoryFailure(t.Pfn, MfFlags.None);

        Assert.Equal(-Errno.EHWPOISON, m.MemoryFailure(t.Pfn + 1, MfFlags.None));

        Assert.Equal($"Memory failure: {Printf.HashLx(t.Pfn + 1)}: recovery action for huge page: Failed", m.Texts()[^1]);
        Assert.True(m.Memory.PfnToPage(t.Pfn + 1).IsHwpoison);
    }

    [Fact]
    public void DirtySwapcachePage_KeepsSwapEntriesAndStaysInTheSwapCache()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.SwapcacheDirty);
        var slot = t.Page.SwapOffset;

        Assert.Equal(0, m.MemoryFailure(t.Pfn, MfFlags.None));

        Assert.Equal(Pte.SwapEntry(slot), t.Owner!.PteAt(t.Address!.Value));
        Assert.True(t.Page.Test(PageFlags.Swapcache));
        Assert.False(t.Page.Test(PageFlags.Dirty | PageFlags.Uptodate));
        Assert.Equal($"Memory failure: {Printf.HashLx(t.Pfn)}: keeping poisoned page in swap cache", m.Texts()[0]);
    }

    [Fact]
    public void CleanSwapcachePage_LeavesTheSwapCacheAndItsMappingsSwapEntries()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.SwapcacheClean);
        var slot = t.Page.SwapOffset;

        Assert.Equal(0, m.MemoryFailure(t.Pfn, MfFlags.None));

        Assert.Equal(Pte.SwapEntry(slot), t.Owner!.PteAt(t.Address!.Value));
        Assert.False(t.Page.Test(PageFlags.Swapcache));
        Assert.Equal(1, t.Page.RefCount);
    }

    [Fact]
    public void KsmPage_EverySharerIsUnmappedAndToldOnce()
    {
        var m = TestMachine.Boot();
        m.Sysctl.Set("vm.memory_failure_early_kill", "1");
        var t = m.Target(TargetPageKind.Ksm);

        Assert.Equal(0, m.MemoryFailure(t.Pfn, MfFlags.None));

        foreach (var task in t.Mappers)
        {
            var vma = task.Mm!.Vmas.Single();
            Assert.Equal(Pte.HwpoisonEntry(t.Pfn), task.PteAt(vma.Start));
            Assert.Equal(Signals.BUS_MCEERR_AO, Assert.Single(task.Pending).Code);
        }
    }

    [Fact]
    public void ShmemPage_StaysInThePageCache_RecoveredOnV617DelayedOnMmNext()
    {
        foreach (var (options, result) in new[] { (HwpoisonOptions.V617, "Recovered"), (HwpoisonOptions.MmNext, "Delayed") })
        {
            var m = TestMachine.Boot(options);
            var t = m.Target(TargetPageKind.Shmem);

            Assert.Equal(0, m.MemoryFailure(t.Pfn, MfFlags.None));

            Assert.Equal(t.Pfn, t.File!.Mapping.Lookup(0)!.Value.Pfn);
            Assert.Equal($"Memory failure: {Printf.HashLx(t.Pfn)}: recovery action for dirty LRU page: {result}", m.Texts()[^1]);
        }
    }

    [Fact]
    public void ExtraReferenceOnAPageCachePage_StillReferencedAndFailed()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.Shmem);
        t.Page.RefCount += 2;

        Assert.Equal(-Errno.EBUSY, m.MemoryFailure(t.Pfn, MfFlags.None));

        var pfn = Printf.HashLx(t.Pfn);
        Assert.Equal([$"Memory failure: {pfn}: dirty LRU page still referenced by 2 users", $"Memory failure: {pfn}: recovery action for dirty LRU page: Failed"],
            m.Texts());
    }

    [Fact]
    public void PfnOutsideMemory_MemoryOutsideKernelControl()
    {
        var m = TestMachine.Boot();

        Assert.Equal(-Errno.ENXIO, m.MemoryFailure(m.Memory.MaxPfn, MfFlags.None));

        Assert.Equal(["Memory failure: 0x40000: memory outside kernel control"], m.Texts());
        Assert.Empty(m.Mf().Events);
    }

    [Fact]
    public void RecoveryDisabled_Panics()
    {
        var m = TestMachine.Boot();
        m.Sysctl.Set("vm.memory_failure_recovery", "0");

        var run = m.Run(() => m.Mf().MemoryFailure(0x1234, MfFlags.None));

        Assert.True(run.Panicked);
        Assert.Equal("Memory failure on page 1234", run.DeathMessage);
        Assert.Equal("Kernel panic - not syncing: Memory failure on page 1234", m.Texts()[0]);
    }
}
