using Moq;

namespace KernelModel.Mm.Tests.Paths;

/// <summary>KSM merging, swap-out of the KSM page, and do_swap_page's ksm_might_need_to_copy on swap-in.</summary>
public sealed class KsmSwapinTests
{
    private sealed record Setup(PathsHarness H, TaskStruct A, TaskStruct B, Vma VmaA, Vma VmaB);

    private static Setup TwoProcessesWithTheSamePage(PathsHarness h)
    {
        var a = h.Process("ksm-a");
        var b = h.Process("ksm-b");
        var vmaA = PathsHarness.MapAnon(a, 1, VmFlags.Mergeable);
        var vmaB = PathsHarness.MapAnon(b, 1, VmFlags.Mergeable);
        h.Fill(a, vmaA.Start, 0x4b);
        h.Fill(b, vmaB.Start, 0x4b);
        return new Setup(h, a, b, vmaA, vmaB);
    }

    private static Setup MergedAndSwappedOut(PathsHarness h)
    {
        var s = TwoProcessesWithTheSamePage(h);
        Assert.Equal(1, Ksm.KsmdScan(h.Machine));
        Assert.True(Vmscan.ReclaimFolio(h.Machine, h.PageAt(s.A, s.VmaA.Start).Folio));
        return s;
    }

    [Fact]
    public void KsmdScan_IdenticalPages_MergesThemIntoOneWriteProtectedKsmPage()
    {
        var h = PathsHarness.WithCopyMc();
        var s = TwoProcessesWithTheSamePage(h);
        var oldA = h.PageAt(s.A, s.VmaA.Start);
        var free = h.Machine.Allocator.NrFreePages;

        var merged = Ksm.KsmdScan(h.Machine);

        Assert.Equal(1, merged);
        var ptes = (PathsHarness.PteAt(s.A, s.VmaA.Start), PathsHarness.PteAt(s.B, s.VmaB.Start));
        Assert.Equal(ptes.Item1.Pfn, ptes.Item2.Pfn);
        Assert.False(ptes.Item1.Write || ptes.Item2.Write);
        var kpage = h.Machine.Memory.PfnToPage(ptes.Item1.Pfn);
        var node = Assert.IsType<KsmStableNode>(kpage.Mapping);
        Assert.Equal([(s.VmaB, s.VmaB.Start), (s.VmaA, s.VmaA.Start)], node.RmapItems);
        Assert.Equal((2, 2), (kpage.MapCount, kpage.RefCount));
        Assert.NotEqual(oldA.Pfn, kpage.Pfn);
        Assert.Equal(free + 1, h.Machine.Allocator.NrFreePages);
    }

    [Fact]
    public void KsmdScan_DifferentPages_AreLeftAlone()
    {
        var h = PathsHarness.WithCopyMc();
        var s = TwoProcessesWithTheSamePage(h);
        h.Fill(s.B, s.VmaB.Start + 100, 0x4c, 1);

        Assert.Equal(0, Ksm.KsmdScan(h.Machine));
        Assert.True(PathsHarness.PteAt(s.A, s.VmaA.Start).Write);
    }

    [Fact]
    public void WriteToKsmPage_IsCopiedBecauseKsmPagesAreNeverReused()
    {
        var h = PathsHarness.WithCopyMc();
        var s = TwoProcessesWithTheSamePage(h);
        Ksm.KsmdScan(h.Machine);
        var kpfn = PathsHarness.PteAt(s.A, s.VmaA.Start).Pfn;

        h.Fill(s.A, s.VmaA.Start, 0x1, 1);

        Assert.NotEqual(kpfn, PathsHarness.PteAt(s.A, s.VmaA.Start).Pfn);
        Assert.Equal(kpfn, PathsHarness.PteAt(s.B, s.VmaB.Start).Pfn);
    }

    [Fact]
    public void ReclaimFolio_KsmPage_BothMappingsBecomeTheSameSwapEntryAndThePageIsFreed()
    {
        var h = PathsHarness.WithCopyMc();
        var s = TwoProcessesWithTheSamePage(h);
        Ksm.KsmdScan(h.Machine);
        var kpage = h.PageAt(s.A, s.VmaA.Start);

        Assert.True(Vmscan.ReclaimFolio(h.Machine, kpage.Folio));

        var slot = PathsHarness.PteAt(s.A, s.VmaA.Start).SwapOffset;
        Assert.Equal(Pte.SwapEntry(slot), PathsHarness.PteAt(s.B, s.VmaB.Start));
        Assert.Equal(2, h.Machine.Mm.Swap.SwapCount(slot));
        Assert.Equal(0, h.Machine.Mm.SwapCache.Count);
        Assert.True(h.Machine.Allocator.IsFreeBuddyPage(kpage.Pfn));
    }

    [Fact]
    public void SwapIn_FirstSharer_MapsTheSwapCacheFolioReadOnlyWithoutACopy()
    {
        var h = PathsHarness.WithCopyMc();
        var s = MergedAndSwappedOut(h);
        var slot = PathsHarness.PteAt(s.A, s.VmaA.Start).SwapOffset;
        var buffer = new byte[2];

        var result = UserAccess.Read(h.Machine, s.A, s.VmaA.Start, buffer);

        Assert.Equal(UserAccessOutcome.Completed, result.Outcome);
        Assert.Equal(0x4b, buffer[1]);
        var pte = PathsHarness.PteAt(s.A, s.VmaA.Start);
        Assert.False(pte.Write);
        var folio = h.Machine.Mm.SwapCache.Peek(slot)!.Value;
        Assert.Equal(folio.Pfn, pte.Pfn);
        Assert.Same(s.VmaA.AnonVma, folio.Mapping);
        Assert.Equal(1, h.Machine.Mm.Swap.SwapCount(slot));
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), It.IsAny<ulong>()), Times.Never);
    }

    [Fact]
    public void SwapIn_SecondSharer_CopiesTheOtherAnonVmasFolio()
    {
        var h = PathsHarness.WithCopyMc();
        var s = MergedAndSwappedOut(h);
        UserAccess.Read(h.Machine, s.A, s.VmaA.Start, new byte[1]);
        var slot = PathsHarness.PteAt(s.B, s.VmaB.Start).SwapOffset;
        var cached = h.Machine.Mm.SwapCache.Peek(slot)!.Value;
        var buffer = new byte[1];

        UserAccess.Read(h.Machine, s.B, s.VmaB.Start + 5, buffer);

        var pte = PathsHarness.PteAt(s.B, s.VmaB.Start);
        Assert.NotEqual(cached.Pfn, pte.Pfn);
        Assert.Equal(0x4b, buffer[0]);
        Assert.Equal(0, h.Machine.Mm.Swap.SwapCount(slot));
        Assert.Same(s.VmaB.AnonVma, h.Machine.Memory.PfnToPage(pte.Pfn).Mapping);
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), h.Machine.PageAddress(cached.Head), 4096), Times.Once);
    }

    [Fact]
    public void SwapIn_SecondSharerWithPoisonedSwapCacheFolio_VmFaultHwpoisonThePteStaysASwapEntry()
    {
        var h = PathsHarness.WithCopyMc();
        var s = MergedAndSwappedOut(h);
        UserAccess.Read(h.Machine, s.A, s.VmaA.Start, new byte[1]);
        var entry = PathsHarness.PteAt(s.B, s.VmaB.Start);
        var cached = h.Machine.Mm.SwapCache.Peek(entry.SwapOffset)!.Value;
        h.Poison(cached.Head, 0x640);
        var free = h.Machine.Allocator.NrFreePages;
        var address = s.VmaB.Start + 0x31;

        var result = UserAccess.Read(h.Machine, s.B, address, new byte[1]);

        Assert.Equal(UserAccessOutcome.Signalled, result.Outcome);
        Assert.Equal(VmFault.Hwpoison, result.Fault);
        Assert.Equal(entry, PathsHarness.PteAt(s.B, s.VmaB.Start));
        Assert.Equal(1, h.Machine.Mm.Swap.SwapCount(entry.SwapOffset));
        Assert.Equal(free, h.Machine.Allocator.NrFreePages);
        Assert.Equal((1, 2), (cached.MapCount, cached.RefCount));
        Assert.False(cached.Test(PageFlags.Locked));
        h.VerifyQueuedExactly(cached.Pfn);
        Assert.Equal(new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, address, 12), Assert.Single(s.B.Delivered));
        Assert.True(s.A.IsAlive);
    }

    [Fact]
    public void SwapIn_SwapCacheFolioAlreadyPgHwpoison_VmFaultHwpoisonWithoutACopy()
    {
        var h = PathsHarness.WithCopyMc();
        var s = MergedAndSwappedOut(h);
        UserAccess.Read(h.Machine, s.A, s.VmaA.Start, new byte[1]);
        var entry = PathsHarness.PteAt(s.B, s.VmaB.Start);
        h.Machine.Mm.SwapCache.Peek(entry.SwapOffset)!.Value.Head.Set(PageFlags.Hwpoison);

        var result = UserAccess.Read(h.Machine, s.B, s.VmaB.Start, new byte[1]);

        Assert.Equal(VmFault.Hwpoison, result.Fault);
        Assert.Equal(entry, PathsHarness.PteAt(s.B, s.VmaB.Start));
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), It.IsAny<ulong>()), Times.Never);
        h.VerifyNothingQueued();
    }

    [Fact]
    public void SwapIn_SecondSharerWithPoisonOnTheGenericProfile_TheKernelDies()
    {
        var h = PathsHarness.Generic();
        var s = MergedAndSwappedOut(h);
        UserAccess.Read(h.Machine, s.A, s.VmaA.Start, new byte[1]);
        var cached = h.Machine.Mm.SwapCache.Peek(PathsHarness.PteAt(s.B, s.VmaB.Start).SwapOffset)!.Value;
        h.Poison(cached.Head);

        var run = h.Machine.Run(() => UserAccess.Read(h.Machine, s.B, s.VmaB.Start, new byte[1]));

        Assert.True(run.Died);
        Assert.Equal(Signals.SIGSEGV, s.B.ExitSignal);
        h.VerifyNothingQueued();
    }

    [Fact]
    public void SwapIn_WriteByTheOnlyUser_FreesTheSlotAndMapsWritable()
    {
        var h = PathsHarness.WithCopyMc();
        var task = h.Process("solo");
        var vma = PathsHarness.MapAnon(task, 1);
        h.Fill(task, vma.Start, 0x7);
        Vmscan.ReclaimFolio(h.Machine, h.PageAt(task, vma.Start).Folio);
        var slot = PathsHarness.PteAt(task, vma.Start).SwapOffset;

        h.Fill(task, vma.Start, 0x8, 1);

        Assert.True(PathsHarness.PteAt(task, vma.Start).Write);
        Assert.Equal(0, h.Machine.Mm.Swap.InUse);
        Assert.Null(h.Machine.Mm.SwapCache.Peek(slot));
        Assert.Equal(0x7, h.Machine.Memory.FrameForRead(PathsHarness.PteAt(task, vma.Start).Pfn)[1]);
    }
}
