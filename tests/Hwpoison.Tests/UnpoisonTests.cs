using KernelModel.Mm;

namespace KernelModel.Hwpoison.Tests;

/// <summary>unpoison_memory(): only software-injected poison, only pages nobody holds, maps or caches.</summary>
public sealed class UnpoisonTests
{
    private static int Unpoison(Machine m, ulong pfn) => m.Run(() => m.Mf().UnpoisonMemory(pfn)).Value;

    [Fact]
    public void SoftwareInjectedAnonPage_IsUnpoisonedAndFreed()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);
        m.MemoryFailure(t.Pfn, MfFlags.SwSimulated);

        Assert.Equal(0, Unpoison(m, t.Pfn));

        Assert.False(t.Page.IsHwpoison);
        Assert.True(m.Allocator.IsFreeBuddyPage(t.Pfn));
        Assert.Equal(0, m.Mf().NumPoisonedPages);
        Assert.Equal($"Unpoison: {Printf.HashLx(t.Pfn)}: software-unpoisoned page", m.Texts()[^1]);
    }

    [Fact]
    public void SoftwareInjectedFreePage_GoesBackToTheBuddyLists()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.FreeBuddy);
        m.MemoryFailure(t.Pfn, MfFlags.SwSimulated);
        Assert.False(m.Allocator.IsFreeBuddyPage(t.Pfn));

        Assert.Equal(0, Unpoison(m, t.Pfn));

        Assert.True(m.Allocator.IsFreeBuddyPage(t.Pfn));
        Assert.Equal(0, t.Page.RefCount);
    }

    [Fact]
    public void AfterAnyHardwareFailure_UnpoisonIsDisabledForGood()
    {
        var m = TestMachine.Boot();
        var sw = m.Target(TargetPageKind.AnonDirty);
        m.MemoryFailure(sw.Pfn, MfFlags.SwSimulated);
        m.MemoryFailure(m.Target(TargetPageKind.FreeBuddy).Pfn, MfFlags.None);

        Assert.Equal(-Errno.EOPNOTSUPP, Unpoison(m, sw.Pfn));

        Assert.True(m.Mf().HwMemoryFailure);
        Assert.Equal($"Unpoison: {Printf.HashLx(sw.Pfn)}: disabled after HW memory failure", m.Texts()[^1]);
        Assert.True(sw.Page.IsHwpoison);
    }

    [Fact]
    public void PageNotPoisoned_AlreadyUnpoisoned()
    {
        var m = TestMachine.Boot();

        Assert.Equal(-Errno.EBUSY, Unpoison(m, 0x2000));

        Assert.Equal(["Unpoison: 0x2000: page was already unpoisoned"], m.Texts());
    }

    [Fact]
    public void PageStillReferenced_SomeoneGrabsIt()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.Shmem);
        m.MemoryFailure(t.Pfn, MfFlags.SwSimulated);

        Assert.Equal(-Errno.EBUSY, Unpoison(m, t.Pfn));

        Assert.Equal($"Unpoison: {Printf.HashLx(t.Pfn)}: someone grabs the hwpoison page", m.Texts()[^1]);
    }

    [Fact]
    public void PageStillMapped_SomeoneMapsIt()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);
        t.Page.Set(PageFlags.Hwpoison);

        Assert.Equal(-Errno.EBUSY, Unpoison(m, t.Pfn));

        Assert.Equal($"Unpoison: {Printf.HashLx(t.Pfn)}: someone maps the hwpoison page", m.Texts()[^1]);
    }

    [Fact]
    public void PageStillInThePageCache_NonNullMapping()
    {
        var m = TestMachine.Boot();
        var inode = m.Filemap.CreateFile("/data/f", InodeKind.Regular, 8192);
        var folio = m.Filemap.ReadCacheFolio(inode, 1)!.Value;
        folio.Set(PageFlags.Hwpoison);

        Assert.Equal(-Errno.EBUSY, Unpoison(m, folio.Pfn));

        Assert.Equal($"Unpoison: {Printf.HashLx(folio.Pfn)}: the hwpoison page has non-NULL mapping", m.Texts()[^1]);
    }

    [Theory]
    [InlineData(false, -Errno.ENXIO)]
    [InlineData(true, -Errno.EIO)]
    public void PfnOutsideMemory_PerVersion(bool online, int errno)
    {
        var m = TestMachine.Boot(HwpoisonOptions.V617 with { UnpoisonRequiresOnlinePfn = online });

        Assert.Equal(errno, Unpoison(m, m.Memory.MaxPfn + 5));
    }

    [Fact]
    public void Messages_AreRateLimitedToTenPerFiveSeconds()
    {
        var m = TestMachine.Boot();

        for (ulong i = 0; i < 12; i++)
        {
            Unpoison(m, 0x3000 + i);
        }

        Assert.Equal(10, m.Log.Lines.Count);
        m.Clock.Advance(TimeSpan.FromSeconds(5));
        Unpoison(m, 0x4000);
        Assert.Equal(11, m.Log.Lines.Count);
    }
}
