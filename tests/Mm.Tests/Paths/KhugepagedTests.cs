using Moq;

namespace KernelModel.Mm.Tests.Paths;

using Page = KernelModel.Mm.Page;

/// <summary>khugepaged anonymous and file collapse, and MADV_COLLAPSE.</summary>
public sealed class KhugepagedTests
{
    private const ulong Size2M = 2UL << 20;

    private static (TaskStruct Task, Vma Vma) AnonRangeOfSmallPages(PathsHarness h, int pages = 8)
    {
        var task = h.Process("thp");
        // Faulted in as small pages under MADV_NOHUGEPAGE, then made eligible again (MADV_HUGEPAGE).
        var vma = PathsHarness.MapAnon(task, 512, VmFlags.Nohugepage, align: Size2M);
        for (var i = 0; i < pages; i++)
        {
            h.Fill(task, vma.Start + ((ulong)i * 4096), (byte)(i + 1), 16);
        }

        vma.Flags = (vma.Flags & ~VmFlags.Nohugepage) | VmFlags.Hugepage;
        return (task, vma);
    }

    [Fact]
    public void ScanResult_HasTheKernelValuesAndNames()
    {
        Assert.Equal(30, (int)ScanResult.ScanCopyMc);
        Assert.Equal(11, (int)ScanResult.ScanPageRo);
        Assert.Equal(31, (int)ScanResult.ScanPageFilled);
        Assert.Equal("copy_poisoned_page", ScanResult.ScanCopyMc.TraceName());
        Assert.Equal("SCAN_COPY_MC", ScanResult.ScanCopyMc.KernelName());
        Assert.Equal("SCAN_SCAN_ABORT", ScanResult.ScanScanAbort.KernelName());
    }

    [Fact]
    public void KhugepagedScan_AnonRange_CollapsesIntoAPmdMappedThpAndFreesTheSmallPages()
    {
        var h = PathsHarness.WithCopyMc();
        var (task, vma) = AnonRangeOfSmallPages(h);
        var small = Enumerable.Range(0, 8).Select(i => h.PageAt(task, vma.Start + ((ulong)i * 4096)).Pfn).ToList();

        var result = Khugepaged.KhugepagedScan(h.Machine, task.Mm!, vma.Start);

        Assert.Equal(ScanResult.ScanSucceed, result);
        var (pmd, level) = task.Mm!.PageTable.Walk(vma.Start);
        Assert.Equal(PageTableLevel.Pmd, level);
        Assert.True(pmd.Write);
        var thp = h.Machine.Memory.PfnToPage(pmd.Pfn).Folio;
        Assert.Equal((9, 1, 1), (thp.Order, thp.MapCount, thp.RefCount));
        Assert.Equal(3, h.Machine.Memory.FrameForRead(pmd.Pfn + 2)[15]);
        Assert.Equal(0, h.Machine.Memory.FrameForRead(pmd.Pfn + 2)[16]);
        Assert.All(small, pfn => Assert.True(h.Machine.Allocator.IsFreeBuddyPage(pfn)));
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), 4096), Times.Exactly(8));
    }

    [Fact]
    public void KhugepagedScan_PoisonedSmallPage_ScanCopyMcOldTableRestoredPagesBackOnTheLruThpFreed()
    {
        var h = PathsHarness.WithCopyMc();
        var (task, vma) = AnonRangeOfSmallPages(h);
        var before = task.Mm!.PageTable.LeavesIn(vma.Start, vma.End).ToList();
        var bad = h.PageAt(task, vma.Start + (5 * 4096));
        h.Poison(bad, 0x10);
        var free = h.Machine.Allocator.NrFreePages;

        var result = Khugepaged.KhugepagedScan(h.Machine, task.Mm, vma.Start);

        Assert.Equal(ScanResult.ScanCopyMc, result);
        Assert.Equal(before, task.Mm.PageTable.LeavesIn(vma.Start, vma.End).ToList());
        Assert.Equal(free, h.Machine.Allocator.NrFreePages);
        foreach (var (_, pte, _) in before)
        {
            var page = h.Machine.Memory.PfnToPage(pte.Pfn);
            Assert.True(page.Test(PageFlags.Lru));
            Assert.False(page.Test(PageFlags.Locked));
            Assert.Equal((1, 1), (page.MapCount, page.RefCount));
        }

        h.VerifyQueuedExactly(bad.Pfn);
        Assert.Empty(task.Delivered);
    }

    [Fact]
    public void KhugepagedScan_PoisonWithArchOverrideAndTheOldGreaterThanZeroTest_TheFailureIsMissedAndTheCollapseGoesThrough()
    {
        var arm64 = new Mock<IArchHighpageCopy>(MockBehavior.Strict);
        arm64.Setup(a => a.CopyMcUserHighpage(It.IsAny<Page>(), It.IsAny<Page>(), It.IsAny<ulong>(), It.IsAny<Vma>())).Returns(-Errno.EFAULT);
        var h = PathsHarness.WithCopyMc(new MmOptions { HighpageCopyFailure = HighpageCopyFailure.BytesNotCopied }, highpageOverride: arm64);
        var (task, vma) = AnonRangeOfSmallPages(h, 2);

        Assert.Equal(ScanResult.ScanSucceed, Khugepaged.KhugepagedScan(h.Machine, task.Mm!, vma.Start));
        Assert.Equal(PageTableLevel.Pmd, task.Mm!.PageTable.Walk(vma.Start).Level);
        arm64.Verify(a => a.CopyMcUserHighpage(It.IsAny<Page>(), It.IsAny<Page>(), It.IsAny<ulong>(), It.IsAny<Vma>()), Times.Exactly(2));
    }

    [Fact]
    public void KhugepagedScan_PoisonWithArchOverrideAndPatch3_ScanCopyMcWithNothingQueued()
    {
        var arm64 = new Mock<IArchHighpageCopy>(MockBehavior.Strict);
        arm64.Setup(a => a.CopyMcUserHighpage(It.IsAny<Page>(), It.IsAny<Page>(), It.IsAny<ulong>(), It.IsAny<Vma>())).Returns(-Errno.EFAULT);
        var h = PathsHarness.WithCopyMc(highpageOverride: arm64);
        var (task, vma) = AnonRangeOfSmallPages(h, 2);

        Assert.Equal(ScanResult.ScanCopyMc, Khugepaged.KhugepagedScan(h.Machine, task.Mm!, vma.Start));
        h.VerifyNothingQueued();
    }

    [Fact]
    public void KhugepagedScan_PoisonedSmallPageOnTheGenericProfile_TheKernelDiesInKhugepaged()
    {
        var h = PathsHarness.Generic();
        var (task, vma) = AnonRangeOfSmallPages(h);
        h.Poison(h.PageAt(task, vma.Start));

        var run = h.Machine.Run(() => Khugepaged.KhugepagedScan(h.Machine, task.Mm!, vma.Start));

        Assert.True(run.Died);
        var khugepaged = h.Machine.Tasks.All.Single(t => t.Comm == "khugepaged");
        Assert.Equal(Signals.SIGSEGV, khugepaged.ExitSignal);
        Assert.True(task.IsAlive);
        h.VerifyNothingQueued();
    }

    [Fact]
    public void KhugepagedScan_PinnedPage_ScanPageCount()
    {
        var h = PathsHarness.WithCopyMc();
        var (task, vma) = AnonRangeOfSmallPages(h);
        Gup.PinUserPages(h.Machine, task, vma.Start, 1);

        Assert.Equal(ScanResult.ScanPageCount, Khugepaged.KhugepagedScan(h.Machine, task.Mm!, vma.Start));
    }

    [Fact]
    public void MadviseCollapse_PoisonedAnonPage_ReturnsMinusEinval()
    {
        var h = PathsHarness.WithCopyMc();
        var (task, vma) = AnonRangeOfSmallPages(h);
        var bad = h.PageAt(task, vma.Start + 4096);
        h.Poison(bad);

        Assert.Equal(-Errno.EINVAL, Khugepaged.MadviseCollapse(h.Machine, task, vma.Start, Size2M));
        h.VerifyQueuedExactly(bad.Pfn);
        Assert.Equal(PageTableLevel.Pte, task.Mm!.PageTable.Walk(vma.Start).Level);
    }

    [Fact]
    public void MadviseCollapse_CleanAnonRange_ReturnsZero()
    {
        var h = PathsHarness.WithCopyMc();
        var (task, vma) = AnonRangeOfSmallPages(h);

        Assert.Equal(0, Khugepaged.MadviseCollapse(h.Machine, task, vma.Start, Size2M));
        Assert.Equal(PageTableLevel.Pmd, task.Mm!.PageTable.Walk(vma.Start).Level);
    }

    [Theory]
    [InlineData(ScanResult.ScanCopyMc, -Errno.EINVAL)]
    [InlineData(ScanResult.ScanAllocHugePageFail, -Errno.ENOMEM)]
    [InlineData(ScanResult.ScanExceedNonePte, -Errno.EBUSY)]
    [InlineData(ScanResult.ScanPageLock, -Errno.EAGAIN)]
    [InlineData(ScanResult.ScanPmdNone, -Errno.EINVAL)]
    public void MadviseCollapseErrno_MapsScanResults(ScanResult result, int errno) =>
        Assert.Equal(errno, Khugepaged.MadviseCollapseErrno(result));

    private static (TaskStruct Task, Inode File, Vma Vma) ShmemFileMapped(PathsHarness h, int pages = 4)
    {
        var file = h.Machine.Filemap.CreateFile("/dev/shm/buf", InodeKind.Shmem, Size2M);
        var task = h.Process("shm");
        var vma = task.Mm!.Mmap(Size2M, VmFlags.Read | VmFlags.Write | VmFlags.Shared, file, align: Size2M);
        for (var i = 0; i < pages; i++)
        {
            h.Fill(task, vma.Start + ((ulong)i * 4096), (byte)(0x30 + i), 8);
        }

        return (task, file, vma);
    }

    [Fact]
    public void KhugepagedScan_ShmemRange_CollapsesIntoOneThpInThePageCache()
    {
        var h = PathsHarness.WithCopyMc();
        var (task, file, vma) = ShmemFileMapped(h);

        Assert.Equal(ScanResult.ScanSucceed, Khugepaged.KhugepagedScan(h.Machine, task.Mm!, vma.Start));

        var thp = Assert.Single(file.Mapping.Pages).Value;
        Assert.Equal(9, thp.Order);
        Assert.Equal(0x32, h.Machine.Memory.FrameForRead(thp.Pfn + 2)[7]);
        Assert.Equal(0, task.Mm!.PageTable.Count);
    }

    [Fact]
    public void KhugepagedScan_PoisonedShmemPage_ScanCopyMcTheOldFoliosStayInThePageCache()
    {
        var h = PathsHarness.WithCopyMc();
        var (task, file, vma) = ShmemFileMapped(h);
        var old = file.Mapping.Pages.Values.ToList();
        h.Poison(old[2].Head);
        var free = h.Machine.Allocator.NrFreePages;

        var result = Khugepaged.KhugepagedScan(h.Machine, task.Mm!, vma.Start);

        Assert.Equal(ScanResult.ScanCopyMc, result);
        Assert.Equal(old, file.Mapping.Pages.Values.ToList());
        Assert.All(old, f => Assert.Equal((0, 1, true, false), (f.MapCount, f.RefCount, f.Test(PageFlags.Lru), f.Test(PageFlags.Locked))));
        Assert.Equal(free, h.Machine.Allocator.NrFreePages);
        h.VerifyQueuedExactly(old[2].Pfn);
        var buffer = new byte[1];
        UserAccess.Read(h.Machine, task, vma.Start + 7, buffer);
        Assert.Equal(0x30, buffer[0]);
    }

    [Fact]
    public void MadviseCollapse_PoisonedShmemPage_ReturnsMinusEinval()
    {
        var h = PathsHarness.WithCopyMc();
        var (task, file, vma) = ShmemFileMapped(h);
        h.Poison(file.Mapping.Pages[0].Head);

        Assert.Equal(-Errno.EINVAL, Khugepaged.MadviseCollapse(h.Machine, task, vma.Start, Size2M));
    }

    [Fact]
    public void MadviseCollapse_CleanShmemRange_MapsTheThpWithOnePmd()
    {
        var h = PathsHarness.WithCopyMc();
        var (task, file, vma) = ShmemFileMapped(h);

        Assert.Equal(0, Khugepaged.MadviseCollapse(h.Machine, task, vma.Start, Size2M));

        var (pmd, level) = task.Mm!.PageTable.Walk(vma.Start + 4096);
        Assert.Equal(PageTableLevel.Pmd, level);
        var thp = Assert.Single(file.Mapping.Pages).Value;
        Assert.Equal(thp.Pfn, pmd.Pfn);
        Assert.Equal((1, 2), (thp.MapCount, thp.RefCount));
    }

    [Fact]
    public void KhugepagedScan_PoisonedPageOfARegularFile_ScanCopyMcWithCopyMcHighpage()
    {
        var h = PathsHarness.WithCopyMc();
        var file = h.Machine.Filemap.CreateFile("/bin/app", InodeKind.Regular, Size2M);
        var task = h.Process("app");
        var vma = task.Mm!.Mmap(Size2M, VmFlags.Read | VmFlags.Exec, file, align: Size2M);
        UserAccess.Read(h.Machine, task, vma.Start, new byte[1]);
        var first = file.Mapping.Lookup(0)!.Value;
        h.Poison(first.Head);

        Assert.Equal(ScanResult.ScanCopyMc, Khugepaged.KhugepagedScan(h.Machine, task.Mm, vma.Start));
        Assert.Equal(first, file.Mapping.Lookup(0));
        Assert.Equal(512, file.Mapping.Pages.Count);
        h.VerifyQueuedExactly(first.Pfn);
    }
}
