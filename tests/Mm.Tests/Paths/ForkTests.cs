using Moq;

namespace KernelModel.Mm.Tests.Paths;

public sealed class ForkTests
{
    [Fact]
    public void Fork_OrdinaryAnonPages_AreSharedCopyOnWrite()
    {
        var h = PathsHarness.WithCopyMc();
        var parent = h.Process("parent");
        var vma = PathsHarness.MapAnon(parent, 2);
        h.Fill(parent, vma.Start, 0x10, 2 * PathsHarness.PageSize);
        var page = h.PageAt(parent, vma.Start);
        var free = h.Machine.Allocator.NrFreePages;

        var pid = Fork.KernelClone(h.Machine, parent);

        var child = h.Machine.Tasks.Find(pid)!;
        Assert.Same(parent, child.Parent);
        Assert.Equal("parent", child.Comm);
        var childVma = Assert.Single(child.Mm!.Vmas);
        Assert.Same(vma.AnonVma, childVma.AnonVma);
        Assert.Contains(childVma, vma.AnonVma!.Vmas);
        Assert.Equal(PathsHarness.PteAt(parent, vma.Start) with { Dirty = true }, PathsHarness.PteAt(child, vma.Start) with { Dirty = true });
        Assert.False(PathsHarness.PteAt(parent, vma.Start).Write);
        Assert.False(PathsHarness.PteAt(child, vma.Start).Write);
        Assert.Equal((2, 2), (page.MapCount, page.RefCount));
        Assert.False(page.Test(PageFlags.AnonExclusive));
        Assert.Equal(free, h.Machine.Allocator.NrFreePages);
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), It.IsAny<ulong>()), Times.Never);
    }

    [Fact]
    public void Fork_PinnedExclusivePage_IsCopiedForTheChildAndTheParentStaysWritable()
    {
        var h = PathsHarness.WithCopyMc();
        var parent = h.Process("pinner");
        var vma = PathsHarness.MapAnon(parent, 1);
        h.Fill(parent, vma.Start, 0x42);
        Assert.Equal(1, Gup.PinUserPages(h.Machine, parent, vma.Start, 1));
        var page = h.PageAt(parent, vma.Start);

        var pid = Fork.KernelClone(h.Machine, parent);

        var child = h.Machine.Tasks.Find(pid)!;
        var childPte = PathsHarness.PteAt(child, vma.Start);
        Assert.NotEqual(page.Pfn, childPte.Pfn);
        Assert.True(childPte.Write);
        Assert.Equal(0x42, h.Machine.Memory.FrameForRead(childPte.Pfn)[4095]);
        Assert.True(PathsHarness.PteAt(parent, vma.Start).Write);
        Assert.True(page.Test(PageFlags.AnonExclusive));
        Assert.Equal((1, 1 + Gup.GupPinCountingBias), (page.MapCount, page.RefCount));
        h.VerifyNothingQueued();
    }

    [Fact]
    public void Fork_PinnedPoisonedPage_FailsWithEnomemNoChildAndTheParentIntact()
    {
        var h = PathsHarness.WithCopyMc();
        var m = h.Machine;
        var parent = h.Process("pinner");
        var vma = PathsHarness.MapAnon(parent, 3);
        h.Fill(parent, vma.Start, 0x42, 3 * PathsHarness.PageSize);
        Assert.Equal(1, Gup.PinUserPages(m, parent, vma.Start + PathsHarness.PageSize, 1));
        var pinned = h.PageAt(parent, vma.Start + PathsHarness.PageSize);
        h.Poison(pinned, 0x800);
        var before = parent.Mm!.PageTable.LeavesIn(vma.Start, vma.End).ToList();
        var tasks = m.Tasks.All.Count();
        var free = m.Allocator.NrFreePages;

        var ret = Fork.KernelClone(m, parent);

        Assert.Equal(-Errno.ENOMEM, ret);
        Assert.Equal(tasks, m.Tasks.All.Count());
        Assert.Equal(free, m.Allocator.NrFreePages);
        Assert.Same(parent.Mm, Assert.Single(vma.AnonVma!.Vmas).Mm);
        var after = parent.Mm.PageTable.LeavesIn(vma.Start, vma.End).ToList();
        Assert.Equal(before.Select(l => (l.Address, l.Entry.Pfn)), after.Select(l => (l.Address, l.Entry.Pfn)));
        Assert.True(after[1].Entry.Write);
        Assert.False(after[0].Entry.Write);
        Assert.Equal((1, 1 + Gup.GupPinCountingBias), (pinned.MapCount, pinned.RefCount));
        Assert.Equal((1, 1), (h.PageAt(parent, vma.Start).MapCount, h.PageAt(parent, vma.Start).RefCount));
        h.VerifyQueuedExactly(pinned.Pfn);
        Assert.True(parent.IsAlive);
        Assert.Empty(parent.Pending);
    }

    [Fact]
    public void Fork_AfterTheFailure_TheParentWritesItsFirstPageWithoutACopy()
    {
        var h = PathsHarness.WithCopyMc();
        var parent = h.Process("pinner");
        var vma = PathsHarness.MapAnon(parent, 2);
        h.Fill(parent, vma.Start, 0x42, 2 * PathsHarness.PageSize);
        Gup.PinUserPages(h.Machine, parent, vma.Start + PathsHarness.PageSize, 1);
        h.Poison(h.PageAt(parent, vma.Start + PathsHarness.PageSize));
        Assert.Equal(-Errno.ENOMEM, Fork.KernelClone(h.Machine, parent));
        var pfn = PathsHarness.PteAt(parent, vma.Start).Pfn;

        h.Fill(parent, vma.Start, 0x43, 1);

        Assert.Equal(pfn, PathsHarness.PteAt(parent, vma.Start).Pfn);
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), It.IsAny<ulong>()), Times.Once);
    }

    [Fact]
    public void Fork_PinnedPoisonedPageOnTheGenericProfile_TheKernelDiesInTheParent()
    {
        var h = PathsHarness.Generic();
        var parent = h.Process("pinner");
        var vma = PathsHarness.MapAnon(parent, 1);
        h.Fill(parent, vma.Start, 0x42);
        Gup.PinUserPages(h.Machine, parent, vma.Start, 1);
        h.Poison(h.PageAt(parent, vma.Start));

        var run = h.Machine.Run(() => Fork.KernelClone(h.Machine, parent));

        Assert.True(run.Died);
        Assert.Equal(Signals.SIGSEGV, parent.ExitSignal);
        Assert.Equal(CopyPage.Load, Assert.Single(h.Machine.Traps).Site);
        h.VerifyNothingQueued();
    }

    [Fact]
    public void Fork_SwapAndHwpoisonEntries_AreCopiedAndTheSlotTakesAReference()
    {
        var h = PathsHarness.WithCopyMc();
        var m = h.Machine;
        var parent = h.Process("swapper");
        var vma = PathsHarness.MapAnon(parent, 2);
        h.Fill(parent, vma.Start, 0x42, 2 * PathsHarness.PageSize);
        Assert.True(Vmscan.ReclaimFolio(m, h.PageAt(parent, vma.Start).Folio));
        parent.Mm!.PageTable.Set(vma.Start + PathsHarness.PageSize, Pte.HwpoisonEntry(0x999));
        var slot = PathsHarness.PteAt(parent, vma.Start).SwapOffset;

        var child = m.Tasks.Find(Fork.KernelClone(m, parent))!;

        Assert.Equal(Pte.SwapEntry(slot), PathsHarness.PteAt(child, vma.Start));
        Assert.Equal(2, m.Mm.Swap.SwapCount(slot));
        Assert.Equal(Pte.HwpoisonEntry(0x999), PathsHarness.PteAt(child, vma.Start + PathsHarness.PageSize));
    }

    [Fact]
    public void Fork_SharedFileMapping_IsNotCopiedTheChildFaultsItIn()
    {
        var h = PathsHarness.WithCopyMc();
        var m = h.Machine;
        var file = m.Filemap.CreateFile("/shm", InodeKind.Shmem, 4096);
        var parent = h.Process("shm");
        var vma = parent.Mm!.Mmap(4096, VmFlags.Read | VmFlags.Write | VmFlags.Shared, file);
        h.Fill(parent, vma.Start, 0x9, 1);

        var child = m.Tasks.Find(Fork.KernelClone(m, parent))!;

        Assert.True(PathsHarness.PteAt(child, vma.Start).IsNone);
        var buffer = new byte[1];
        UserAccess.Read(m, child, vma.Start, buffer);
        Assert.Equal(0x9, buffer[0]);
        Assert.Contains(child.Mm!.Vmas.Single(), file.Mapping.IMmap);
    }
}
