using KernelModel.Mm;

namespace KernelModel.Hwpoison.Tests;

/// <summary>memory_failure() on each page state: the page-type string, the result, the return value and the effect.</summary>
public sealed class MemoryFailurePageStateTests
{
    [Fact]
    public void DirtyAnonPage_IsUnmappedToHwpoisonEntriesAndRecovered()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);

        var ret = m.MemoryFailure(t.Pfn, MfFlags.None);

        Assert.Equal(0, ret);
        Assert.True(t.Page.IsHwpoison);
        Assert.Equal(Pte.HwpoisonEntry(t.Pfn), t.Owner!.PteAt(t.Address!.Value));
        Assert.Equal(0, t.Page.MapCount);
        Assert.Equal(1, t.Page.RefCount);
        Assert.Contains($"Memory failure: {Printf.HashLx(t.Pfn)}: recovery action for dirty LRU page: Recovered", m.Texts());
        var ev = Assert.Single(m.Mf().Events);
        Assert.Equal((ActionPageType.DirtyLru, 12, MfResult.Recovered), (ev.Type, ev.TypeValue, ev.Result));
    }

    [Fact]
    public void CleanAnonPage_CleanLruRecoveredWithoutSignal()
    {
        var m = TestMachine.Boot();
        m.Sysctl.Set("vm.memory_failure_early_kill", "1");
        var t = m.Target(TargetPageKind.AnonClean);

        Assert.Equal(0, m.MemoryFailure(t.Pfn, MfFlags.None));

        Assert.Contains($"Memory failure: {Printf.HashLx(t.Pfn)}: recovery action for clean LRU page: Recovered", m.Texts());
        Assert.Empty(t.Owner!.Pending);
    }

    [Fact]
    public void CleanFilePage_IsDroppedAndTheNextReadComesFromTheBackingStore()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.FileClean);

        Assert.Equal(0, m.MemoryFailure(t.Pfn, MfFlags.None));

        var pfn = Printf.HashLx(t.Pfn);
        Assert.Equal(
        [
            $"Memory failure: {pfn}: corrupted page was clean: dropped without side effects",
            $"Memory failure: {pfn}: recovery action for clean LRU page: Recovered",
        ], m.Texts());
        Assert.True(t.Owner!.PteAt(t.Address!.Value).IsNone);
        Assert.Null(t.File!.Mapping.Lookup(0));
        var again = m.Filemap.ReadCacheFolio(t.File, 0)!.Value;
        Assert.NotEqual(t.Pfn, again.Pfn);
        Assert.Equal(t.File.BackingStore[0], m.Memory.FrameForRead(again.Pfn).ToArray());
        Assert.Equal(0, new OpenFile(t.File).CheckAndAdvanceWbErr());
    }

    [Fact]
    public void DirtyFilePage_IsDroppedWithAWritebackErrorForFsync()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.FileDirty);
        var file = new OpenFile(t.File!);

        Assert.Equal(0, m.MemoryFailure(t.Pfn, MfFlags.None));

        Assert.Contains($"Memory failure: {Printf.HashLx(t.Pfn)}: recovery action for dirty LRU page: Recovered", m.Texts());
        Assert.Null(t.File!.Mapping.Lookup(0));
        Assert.Equal(Pte.HwpoisonEntry(t.Pfn), t.Owner!.PteAt(t.Address!.Value));
        Assert.Equal(-Errno.EIO, file.CheckAndAdvanceWbErr());
        Assert.Equal(0, file.CheckAndAdvanceWbErr());
    }

    [Fact]
    public void FreeBuddyPage_IsTakenOffTheFreeLists()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.FreeBuddy);

        Assert.Equal(0, m.MemoryFailure(t.Pfn, MfFlags.None));

        Assert.False(m.Allocator.IsFreeBuddyPage(t.Pfn));
        Assert.Contains($"Memory failure: {Printf.HashLx(t.Pfn)}: recovery action for free buddy page: Recovered", m.Texts());
    }

    [Fact]
    public void ReservedKernelPage_CannotBeHandled_GetHwpoisonPageIgnored()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.Reserved);

        Assert.Equal(-Errno.EBUSY, m.MemoryFailure(t.Pfn, MfFlags.None));

        Assert.Equal(
        [
            "Memory failure: 0x1: unhandlable page.",
            "Memory failure: 0x1: recovery action for get hwpoison page: Ignored",
        ], m.Texts());
        Assert.True(t.Page.IsHwpoison);
    }

    [Fact]
    public void SlabPage_GetHwpoisonPageIgnored()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.Slab);

        Assert.Equal(-Errno.EBUSY, m.MemoryFailure(t.Pfn, MfFlags.None));

        Assert.Equal(ActionPageType.GetHwpoison, Assert.Single(m.Mf().Events).Type);
    }

    [Fact]
    public void TruncatedLruPage_IsIgnored()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.TruncatedLru);

        Assert.Equal(-Errno.EBUSY, m.MemoryFailure(t.Pfn, MfFlags.None));

        Assert.Contains($"Memory failure: {Printf.HashLx(t.Pfn)}: recovery action for already truncated LRU page: Ignored", m.Texts());
    }

    [Theory]
    [InlineData(TargetPageKind.SwapcacheDirty, "dirty swapcache page", "Delayed", 0)]
    [InlineData(TargetPageKind.SwapcacheClean, "clean swapcache page", "Recovered", 0)]
    [InlineData(TargetPageKind.MlockedDirty, "dirty mlocked LRU page", "Recovered", 0)]
    [InlineData(TargetPageKind.MlockedClean, "clean mlocked LRU page", "Recovered", 0)]
    [InlineData(TargetPageKind.ShmemLocked, "dirty unevictable LRU page", "Recovered", 0)]
    [InlineData(TargetPageKind.UnevictableClean, "clean unevictable LRU page", "Recovered", 0)]
    [InlineData(TargetPageKind.Shmem, "dirty LRU page", "Recovered", 0)]
    [InlineData(TargetPageKind.Ksm, "dirty LRU page", "Recovered", 0)]
    [InlineData(TargetPageKind.HugetlbAnon, "huge page", "Recovered", 0)]
    [InlineData(TargetPageKind.HugetlbFile, "huge page", "Recovered", 0)]
    [InlineData(TargetPageKind.HugetlbFree, "free huge page", "Recovered", 0)]
    [InlineData(TargetPageKind.AnonThp, "dirty LRU page", "Recovered", 0)]
    [InlineData(TargetPageKind.AnonThpPinned, "unsplit thp", "Failed", -Errno.EHWPOISON)]
    [InlineData(TargetPageKind.AnonPinned, "dirty LRU page", "Recovered", 0)]
    public void EachPageState_ReportsTheKernelsTypeAndResult(TargetPageKind kind, string type, string result, int expected)
    {
        var m = TestMachine.Boot();
        var t = m.Target(kind, subpage: kind is TargetPageKind.AnonThp or TargetPageKind.AnonThpPinned or TargetPageKind.HugetlbAnon or TargetPageKind.HugetlbFile ? 5 : 0);

        var ret = m.MemoryFailure(t.Pfn, MfFlags.None);

        Assert.Equal(expected, ret);
        Assert.Contains($"Memory failure: {Printf.HashLx(t.Pfn)}: recovery action for {type}: {result}", m.Texts());
    }
}
