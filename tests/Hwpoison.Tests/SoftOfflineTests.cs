using KernelModel.Mm;
using Moq;

namespace KernelModel.Hwpoison.Tests;

/// <summary>soft_offline_page(): contents preserved on a new frame, the old one out of use; -EBUSY / -EOPNOTSUPP / 0.</summary>
public sealed class SoftOfflineTests
{
    private static int SoftOffline(Machine m, ulong pfn, MfFlags flags = MfFlags.None)
    {
        var run = m.Run(() => m.Mf().SoftOfflinePage(pfn, flags));
        Assert.True(run.Completed, run.DeathMessage);
        return run.Value;
    }

    private static byte[] ReadUser(Machine m, TaskStruct task, ulong va)
    {
        using (m.CurrentCpu.Enter(task, CpuMode.User))
        {
            Assert.True(m.CurrentCpu.TranslateNoFault(va, write: false, out var pa));
            var bytes = new byte[PhysicalMemory.PageSize];
            m.Memory.Read(pa, bytes);
            return bytes;
        }
    }

    [Fact]
    public void MappedAnonPage_IsMigratedWithItsContentsAndTheOldFrameTakenOutOfUse()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty, extraMappers: 1);
        var before = ReadUser(m, t.Owner!, t.Address!.Value);

        Assert.Equal(0, SoftOffline(m, t.Pfn));

        var entry = t.Owner!.PteAt(t.Address.Value);
        Assert.NotEqual(t.Pfn, entry.Pfn);
        Assert.Equal(entry, t.Mappers[1].PteAt(t.Address.Value));
        Assert.Equal(before, ReadUser(m, t.Owner!, t.Address.Value));
        var moved = m.Memory.PfnToPage(entry.Pfn);
        Assert.Equal((2, 2), (moved.MapCount, moved.RefCount));
        Assert.True(t.Page.IsHwpoison);
        Assert.Equal(1, t.Page.RefCount);
        Assert.False(m.Allocator.IsFreeBuddyPage(t.Pfn));
        Assert.Equal(1, m.Mf().NumPoisonedPages);
        Assert.Empty(m.Mf().Events);
        Assert.All(t.Mappers, task => Assert.Empty(task.Pending));
    }

    [Fact]
    public void DirtyFilePage_ThePageCacheSlotFollowsTheData()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.FileDirty);
        var before = m.Memory.FrameForRead(t.Pfn).ToArray();

        Assert.Equal(0, SoftOffline(m, t.Pfn));

        var cached = t.File!.Mapping.Lookup(0)!.Value;
        Assert.NotEqual(t.Pfn, cached.Pfn);
        Assert.True(cached.Test(PageFlags.Dirty | PageFlags.Lru));
        Assert.Equal(before, m.Memory.FrameForRead(cached.Pfn).ToArray());
        Assert.Equal(cached.Pfn, t.Owner!.PteAt(t.Address!.Value).Pfn);
    }

    [Fact]
    public void CleanUnmappedPageCachePage_IsInvalidated()
    {
        var m = TestMachine.Boot();
        var inode = m.Filemap.CreateFile("/data/f", InodeKind.Regular, 8192);
        var folio = m.Filemap.ReadCacheFolio(inode, 0)!.Value;

        Assert.Equal(0, SoftOffline(m, folio.Pfn));

        Assert.Equal($"Soft offline: {Printf.HashLx(folio.Pfn)}: invalidated", m.Texts()[^1]);
        Assert.Null(inode.Mapping.Lookup(0));
        Assert.True(folio.Head.IsHwpoison);
    }

    [Fact]
    public void FreePage_IsTakenOffTheBuddyLists()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.FreeBuddy);

        Assert.Equal(0, SoftOffline(m, t.Pfn));

        Assert.False(m.Allocator.IsFreeBuddyPage(t.Pfn));
        Assert.True(t.Page.IsHwpoison);
        Assert.Equal(4, m.Mf().HardwareCorruptedKb);
    }

    [Theory]
    [InlineData("zero", 0)]
    [InlineData("ebusy", -Errno.EBUSY)]
    public void AlreadyPoisonedPage_ZeroSince59EbusyBefore(string option, int expected)
    {
        var m = TestMachine.Boot(HwpoisonOptions.Parse("v6.17", [$"soft-offline-already-poisoned={option}"]));
        var t = m.Target(TargetPageKind.AnonDirty);
        m.MemoryFailure(t.Pfn, MfFlags.None);

        Assert.Equal(expected, SoftOffline(m, t.Pfn));

        Assert.Equal($"Soft offline: {Printf.HashLx(t.Pfn)}: page already poisoned", m.Texts()[^1]);
    }

    [Fact]
    public void DisabledBySysctl_EopnotsuppAndSaidOnce()
    {
        var m = TestMachine.Boot();
        m.Sysctl.Set("vm.enable_soft_offline", "0");
        var t = m.Target(TargetPageKind.AnonDirty);

        Assert.Equal(-Errno.EOPNOTSUPP, SoftOffline(m, t.Pfn));
        Assert.Equal(-Errno.EOPNOTSUPP, SoftOffline(m, t.Pfn));

        Assert.Equal(["Soft offline: disabled by /proc/sys/vm/enable_soft_offline"], m.Texts());
        Assert.False(t.Page.IsHwpoison);
    }

    [Fact]
    public void PfnOutsideMemory_Enxio()
    {
        var m = TestMachine.Boot();

        Assert.Equal(-Errno.ENXIO, SoftOffline(m, m.Memory.MaxPfn));
    }

    [Fact]
    public void PinnedThp_ThpSplitFailedEbusy()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonThpPinned, subpage: 3);

        Assert.Equal(-Errno.EBUSY, SoftOffline(m, t.Pfn));

        Assert.Equal($"Soft offline: {Printf.HashLx(t.Pfn)}: thp split failed", m.Texts()[^1]);
        Assert.False(t.Page.IsHwpoison);
    }

    [Fact]
    public void KernelPage_UnhandlableEio()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.Slab);

        Assert.Equal(-Errno.EIO, SoftOffline(m, t.Pfn));

        Assert.Equal($"Memory failure: {Printf.HashLx(t.Pfn)}: unhandlable page.", m.Texts()[^1]);
    }

    [Fact]
    public void InUseHugePage_MigratesToAnotherHugePageAndTheOldOneIsDissolved()
    {
        var m = TestMachine.Boot(hugepages2M: 2);
        var h = m.Hugetlb.SizeToHstate(2UL << 20)!;
        var t = m.Target(TargetPageKind.HugetlbAnon, subpage: 4);
        var before = ReadUser(m, t.Owner!, t.Address!.Value);

        Assert.Equal(0, SoftOffline(m, t.Pfn));

        Assert.Equal(before, ReadUser(m, t.Owner!, t.Address.Value));
        Assert.NotEqual(t.Pfn - 4, t.Owner!.PteAt(t.Address.Value).Pfn);
        Assert.Equal((1, 0), (h.NrHugePages, h.FreeHugePages));
        Assert.True(t.Page.IsHwpoison);
        Assert.True(m.Allocator.IsFreeBuddyPage(t.Pfn + 1));
    }

    // migrate_pages() returns -ENOMEM when no destination can be allocated, and soft offline passes a negative
    // result on as it is. (The kernel would first try a temporary surplus huge page from the buddy allocator, which
    // the model does not have: see Migrate.AllocMigrationTarget.)
    [Fact]
    public void InUseHugePageWithNoHugePageToMigrateTo_HugepageMigrationFailedEnomem()
    {
        var m = TestMachine.Boot(hugepages2M: 1);
        var t = m.Target(TargetPageKind.HugetlbAnon);

        Assert.Equal(-Errno.ENOMEM, SoftOffline(m, t.Pfn));

        Assert.StartsWith($"Soft offline: {Printf.HashLx(t.Pfn)}: hugepage migration failed -12, type 0x", m.Texts()[^1]);
        Assert.Equal(t.Pfn, t.Owner!.PteAt(t.Address!.Value).Pfn);
    }

    [Fact]
    public void PoisonedSourceWithCopyMc_MigrationFailsAndTheSourcePageIsQueued()
    {
        // ARCH_HAS_COPY_MC with the generic highmem helpers: folio_mc_copy() -> copy_mc_highpage() -> copy_mc_to_kernel().
        var copy = new Mock<IArchCopyMc>();
        copy.Setup(c => c.HasArchCopyMc).Returns(true);
        copy.Setup(c => c.HighpageOverride).Returns((IArchHighpageCopy?)null);
        copy.Setup(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), It.IsAny<ulong>())).Returns(4096UL - 128);
        var arch = new Mock<IArchitecture>();
        arch.Setup(a => a.CopyMc).Returns(copy.Object);
        arch.Setup(a => a.PageOffset).Returns(0xffff_0000_0000_0000);
        var m = new Machine(new MachineConfig { MemoryBytes = 1UL << 30, Seed = 1 }, _ => arch.Object, mm => new MemoryFailureHandler(mm));
        var t = m.Target(TargetPageKind.AnonDirty);

        Assert.Equal(-Errno.EBUSY, SoftOffline(m, t.Pfn));

        Assert.Equal([(t.Pfn, MfFlags.None)], m.Mf().Queue.Pending(0));
        Assert.Equal(
            $"Soft offline: {Printf.HashLx(t.Pfn)}: page migration failed 1, type {Printf.HashLx((ulong)t.Page.Flags)}(uptodate|dirty|lru|swapbacked)",
            m.Texts()[^1]);
        Assert.Equal(t.Pfn, t.Owner!.PteAt(t.Address!.Value).Pfn);
        Assert.True(t.Page.Test(PageFlags.Lru));
        Assert.Equal(1, t.Page.RefCount);
    }

    [Fact]
    public void Filtered_Eopnotsupp()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);
        m.Mf().Filter.Enable = 1;
        m.Mf().Filter.DevMajor = 8;

        Assert.Equal(-Errno.EOPNOTSUPP, SoftOffline(m, t.Pfn));

        Assert.Equal(1, t.Page.RefCount);
        Assert.False(t.Page.IsHwpoison);
    }
}
