using Moq;

namespace KernelModel.Mm.Tests.Paths;

/// <summary>do_cow_fault(): the first write to a private file mapping copies the page-cache page.</summary>
public sealed class DoCowFaultTests
{
    private static (PathsHarness H, TaskStruct Task, Inode File, Vma Vma) PrivateFileMapping(PathsHarness h, InodeKind kind = InodeKind.Regular)
    {
        var file = h.Machine.Filemap.CreateFile("/data", kind, 2 * 4096UL);
        file.BackingStore[1] = Enumerable.Repeat((byte)0x61, 4096).ToArray();
        var task = h.Process("cowfault");
        var vma = task.Mm!.Mmap(2 * 4096UL, VmFlags.Read | VmFlags.Write, file);
        return (h, task, file, vma);
    }

    [Fact]
    public void Write_CleanPageCachePage_MapsAPrivateCopyAndLeavesTheCacheUnmapped()
    {
        var (h, task, file, vma) = PrivateFileMapping(PathsHarness.WithCopyMc());

        h.Fill(task, vma.Start + 4096 + 10, 0x62, 1);

        var cached = file.Mapping.Lookup(1)!.Value;
        var pte = PathsHarness.PteAt(task, vma.Start + 4096);
        Assert.NotEqual(cached.Pfn, pte.Pfn);
        Assert.True(pte.Write);
        Assert.Same(vma.AnonVma, h.Machine.Memory.PfnToPage(pte.Pfn).Mapping);
        Assert.Equal(0x61, h.Machine.Memory.FrameForRead(pte.Pfn)[9]);
        Assert.Equal(0x62, h.Machine.Memory.FrameForRead(pte.Pfn)[10]);
        Assert.Equal((0, 1), (cached.MapCount, cached.RefCount));
        Assert.False(cached.Test(PageFlags.Locked));
    }

    [Fact]
    public void Write_PoisonedPageCachePage_VmFaultHwpoisonNothingMappedCopyFreedAndThePageCachePfnQueued()
    {
        var (h, task, file, vma) = PrivateFileMapping(PathsHarness.WithCopyMc());
        var m = h.Machine;
        var cached = m.Filemap.ReadCacheFolio(file, 1)!.Value;
        h.Poison(cached.Head, 0xfc0);
        var free = m.Allocator.NrFreePages;

        var result = UserAccess.Write(m, task, vma.Start + 4096 + 0x10, [1]);

        Assert.Equal(UserAccessOutcome.Signalled, result.Outcome);
        Assert.Equal(VmFault.Hwpoison, result.Fault);
        Assert.True(PathsHarness.PteAt(task, vma.Start + 4096).IsNone);
        Assert.Equal(free, m.Allocator.NrFreePages);
        Assert.Equal((0, 1), (cached.MapCount, cached.RefCount));
        Assert.False(cached.Test(PageFlags.Locked));
        Assert.Equal(cached, file.Mapping.Lookup(1));
        h.VerifyQueuedExactly(cached.Pfn);
        Assert.Equal(new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, vma.Start + 4096 + 0x10, 12), Assert.Single(task.Delivered));
    }

    [Fact]
    public void Write_KnownPoisonedCleanPage_IsDroppedAndTheFaultRetriedWithFreshData()
    {
        var (h, task, file, vma) = PrivateFileMapping(PathsHarness.WithCopyMc());
        var m = h.Machine;
        var cached = m.Filemap.ReadCacheFolio(file, 1)!.Value;
        cached.Head.Set(PageFlags.Hwpoison);

        h.Fill(task, vma.Start + 4096, 0x62, 1);

        var fresh = file.Mapping.Lookup(1)!.Value;
        Assert.NotEqual(cached.Pfn, fresh.Pfn);
        Assert.False(m.Allocator.IsFreeBuddyPage(cached.Pfn));
        Assert.Equal(0x61, m.Memory.FrameForRead(PathsHarness.PteAt(task, vma.Start + 4096).Pfn)[1]);
        h.VerifyNothingQueued();
        Assert.Empty(task.Delivered);
    }

    [Fact]
    public void Write_KnownPoisonedDirtyPage_VmFaultHwpoisonWithoutACopy()
    {
        var (h, task, file, vma) = PrivateFileMapping(PathsHarness.WithCopyMc());
        var cached = h.Machine.Filemap.ReadCacheFolio(file, 1)!.Value;
        cached.Head.Set(PageFlags.Hwpoison | PageFlags.Dirty);

        var result = UserAccess.Write(h.Machine, task, vma.Start + 4096, [1]);

        Assert.Equal(VmFault.Hwpoison, result.Fault);
        Assert.Equal(cached, file.Mapping.Lookup(1));
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), It.IsAny<ulong>()), Times.Never);
        h.VerifyNothingQueued();
    }

    [Fact]
    public void Write_PoisonedPageCachePageOnTheGenericProfile_TheKernelDies()
    {
        var (h, task, file, vma) = PrivateFileMapping(PathsHarness.Generic());
        h.Poison(h.Machine.Filemap.ReadCacheFolio(file, 1)!.Value.Head);

        var run = h.Machine.Run(() => UserAccess.Write(h.Machine, task, vma.Start + 4096, [1]));

        Assert.True(run.Died);
        Assert.Equal(Signals.SIGSEGV, task.ExitSignal);
        h.VerifyNothingQueued();
    }

    [Fact]
    public void Read_ThenWrite_SharedFileMapping_DirtiesTheCachePageInPlace()
    {
        var h = PathsHarness.WithCopyMc();
        var file = h.Machine.Filemap.CreateFile("/shared", InodeKind.Regular, 4096);
        var task = h.Process("shared");
        var vma = task.Mm!.Mmap(4096, VmFlags.Read | VmFlags.Write | VmFlags.Shared, file);
        UserAccess.Read(h.Machine, task, vma.Start, new byte[1]);

        h.Fill(task, vma.Start, 0x3, 1);

        var cached = file.Mapping.Lookup(0)!.Value;
        Assert.Equal(cached.Pfn, PathsHarness.PteAt(task, vma.Start).Pfn);
        Assert.True(cached.Test(PageFlags.Dirty));
        Assert.Equal((1, 2), (cached.MapCount, cached.RefCount));
    }
}
