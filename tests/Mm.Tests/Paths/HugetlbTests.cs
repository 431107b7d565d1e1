using Moq;

namespace KernelModel.Mm.Tests.Paths;

/// <summary>hugetlb COW (hugetlb_wp / copy_user_large_folio) and hugetlb fork.</summary>
public sealed class HugetlbTests
{
    private const ulong Size2M = 2UL << 20;

    private static (TaskStruct Parent, TaskStruct Child, Vma Vma) SharedAfterFork(PathsHarness h, Hstate hstate)
    {
        var parent = h.Process("huge");
        var vma = Hugetlb.MmapHugetlb(parent.Mm!, hstate, hstate.Size, VmFlags.Read | VmFlags.Write);
        h.Fill(parent, vma.Start, 0x21, 64);
        var child = h.Machine.Tasks.Find(Fork.KernelClone(h.Machine, parent))!;
        return (parent, child, vma);
    }

    [Fact]
    public void PrivateWrite_NewHugePage_IsMappedWritableAtThePmdFromThePool()
    {
        var h = PathsHarness.WithCopyMc(hugepages2M: 2);
        var hstate = h.Machine.Hugetlb.Hstates[0];
        var task = h.Process("huge");
        var vma = Hugetlb.MmapHugetlb(task.Mm!, hstate, Size2M, VmFlags.Read | VmFlags.Write);

        h.Fill(task, vma.Start + 0x1000, 0x5, 1);

        var (entry, level) = task.Mm!.PageTable.Walk(vma.Start);
        Assert.Equal(PageTableLevel.Pmd, level);
        Assert.True(entry.Write);
        Assert.Equal(1, hstate.FreeHugePages);
        Assert.True(h.Machine.Memory.PfnToPage(entry.Pfn).Folio.IsAnon);
    }

    [Fact]
    public void ChildWrite_SharedHugePage_IsCopiedInto_ANewHugePage()
    {
        var h = PathsHarness.WithCopyMc(hugepages2M: 2);
        var (parent, child, vma) = SharedAfterFork(h, h.Machine.Hugetlb.Hstates[0]);

        h.Fill(child, vma.Start + 3, 0x22, 1);

        var childPfn = PathsHarness.PteAt(child, vma.Start).Pfn;
        Assert.NotEqual(PathsHarness.PteAt(parent, vma.Start).Pfn, childPfn);
        Assert.Equal(0x21, h.Machine.Memory.FrameForRead(childPfn)[2]);
        Assert.Equal(0x22, h.Machine.Memory.FrameForRead(childPfn)[3]);
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), 4096), Times.Exactly(512));
    }

    [Fact]
    public void ChildWrite_Poisoned2MPage_HwpoisonLargeWithHindex0SigbusLsb21NewPageBackInThePool()
    {
        var h = PathsHarness.WithCopyMc(hugepages2M: 2);
        var hstate = h.Machine.Hugetlb.Hstates[0];
        var (parent, child, vma) = SharedAfterFork(h, hstate);
        var old = h.PageAt(parent, vma.Start).Folio;
        var bad = old.PageAt(h.Machine.Memory, 7);
        h.Poison(bad, 0x40);
        var address = vma.Start + (7 * 4096) + 0x48;

        var result = UserAccess.Write(h.Machine, child, address, [1]);

        Assert.Equal(VmFault.HwpoisonLarge | VmFaultExtensions.SetHindex(0), result.Fault);
        Assert.Equal(1, hstate.FreeHugePages);
        Assert.Equal((2, 2), (old.MapCount, old.RefCount));
        Assert.Equal(old.Pfn, PathsHarness.PteAt(child, vma.Start).Pfn);
        Assert.False(PathsHarness.PteAt(child, vma.Start).Write);
        h.VerifyQueuedExactly(bad.Pfn);
        Assert.Equal(new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, address, 21), Assert.Single(child.Delivered));
        Assert.Equal([$"MCE: Killing huge:{child.Pid} due to hardware memory corruption fault at {address:x}"], h.ConsoleText());
    }

    [Fact]
    public void ChildWrite_TargetSubpagePoisoned_IsCopiedLastAfterAllOthers()
    {
        var h = PathsHarness.WithCopyMc(hugepages2M: 2);
        var (parent, child, vma) = SharedAfterFork(h, h.Machine.Hugetlb.Hstates[0]);
        var old = h.PageAt(parent, vma.Start).Folio;
        h.Poison(old.PageAt(h.Machine.Memory, 300));

        UserAccess.Write(h.Machine, child, vma.Start + (300 * 4096), [1]);

        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), 4096), Times.Exactly(512));
        h.VerifyQueuedExactly(old.Pfn + 300);
    }

    [Fact]
    public void ChildWrite_FarEndSubpagePoisoned_IsTheFirstCopiedAndStopsTheCopy()
    {
        var h = PathsHarness.WithCopyMc(hugepages2M: 2);
        var (parent, child, vma) = SharedAfterFork(h, h.Machine.Hugetlb.Hstates[0]);
        var old = h.PageAt(parent, vma.Start).Folio;
        h.Poison(old.PageAt(h.Machine.Memory, 511));

        UserAccess.Write(h.Machine, child, vma.Start + 4096, [1]);

        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), 4096), Times.Once);
        h.VerifyQueuedExactly(old.Pfn + 511);
    }

    [Fact]
    public void ChildWrite_Poisoned1GPage_HwpoisonLargeWithHindex1AndLsb30()
    {
        var h = PathsHarness.WithCopyMc(hugepages1G: 2, memory: 4UL << 30);
        var hstate = h.Machine.Hugetlb.Hstates[1];
        var (parent, child, vma) = SharedAfterFork(h, hstate);
        var old = h.PageAt(parent, vma.Start).Folio;
        h.Poison(old.PageAt(h.Machine.Memory, 1));

        var result = UserAccess.Write(h.Machine, child, vma.Start + 0x10, [1]);

        Assert.Equal(VmFault.HwpoisonLarge | VmFaultExtensions.SetHindex(1), result.Fault);
        Assert.Equal(30, Assert.Single(child.Delivered).AddrLsb);
        Assert.Equal(1, hstate.FreeHugePages);
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), 4096), Times.Exactly(2));
        h.VerifyQueuedExactly(old.Pfn + 1);
    }

    [Fact]
    public void Fork_PinnedPoisonedHugePage_FailsWithEnomemAndTheCopyGoesBackToThePool()
    {
        var h = PathsHarness.WithCopyMc(hugepages2M: 2);
        var hstate = h.Machine.Hugetlb.Hstates[0];
        var parent = h.Process("huge");
        var vma = Hugetlb.MmapHugetlb(parent.Mm!, hstate, Size2M, VmFlags.Read | VmFlags.Write);
        h.Fill(parent, vma.Start, 0x21, 64);
        Assert.Equal(1, Gup.PinUserPages(h.Machine, parent, vma.Start, 1));
        var folio = h.PageAt(parent, vma.Start).Folio;
        h.Poison(folio.PageAt(h.Machine.Memory, 0));
        var tasks = h.Machine.Tasks.All.Count();

        Assert.Equal(-Errno.ENOMEM, Fork.KernelClone(h.Machine, parent));

        Assert.Equal(tasks, h.Machine.Tasks.All.Count());
        Assert.Equal(1, hstate.FreeHugePages);
        Assert.True(PathsHarness.PteAt(parent, vma.Start).Write);
        Assert.Equal((1, 2, 1), (folio.MapCount, folio.RefCount, folio.Head.PinCount));
        h.VerifyQueuedExactly(folio.Pfn);
    }

    [Fact]
    public void Fork_PinnedHugePage_ChildGetsItsOwnCopy()
    {
        var h = PathsHarness.WithCopyMc(hugepages2M: 2);
        var hstate = h.Machine.Hugetlb.Hstates[0];
        var parent = h.Process("huge");
        var vma = Hugetlb.MmapHugetlb(parent.Mm!, hstate, Size2M, VmFlags.Read | VmFlags.Write);
        h.Fill(parent, vma.Start, 0x21, 64);
        Gup.PinUserPages(h.Machine, parent, vma.Start, 1);

        var child = h.Machine.Tasks.Find(Fork.KernelClone(h.Machine, parent))!;

        var childPte = PathsHarness.PteAt(child, vma.Start);
        Assert.NotEqual(PathsHarness.PteAt(parent, vma.Start).Pfn, childPte.Pfn);
        Assert.True(childPte.Write);
        Assert.Equal(0x21, h.Machine.Memory.FrameForRead(childPte.Pfn)[63]);
        Assert.Equal(0, hstate.FreeHugePages);
    }

    [Fact]
    public void Access_HugeHwpoisonEntry_HwpoisonLargeSigbusWithTheHugeShift()
    {
        var h = PathsHarness.WithCopyMc(hugepages2M: 1);
        var task = h.Process("huge");
        var vma = Hugetlb.MmapHugetlb(task.Mm!, h.Machine.Hugetlb.Hstates[0], Size2M, VmFlags.Read | VmFlags.Write);
        task.Mm!.PageTable.Set(vma.Start, Pte.HwpoisonEntry(0x800), PageTableLevel.Pmd);

        var result = UserAccess.Read(h.Machine, task, vma.Start + 0x12345, new byte[1]);

        Assert.Equal(VmFault.HwpoisonLarge | VmFaultExtensions.SetHindex(0), result.Fault);
        Assert.Equal(new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, vma.Start + 0x12345, 21), Assert.Single(task.Delivered));
    }

    [Fact]
    public void ChildWrite_Poisoned2MPageOnTheGenericProfile_TheKernelDies()
    {
        var h = PathsHarness.Generic(hugepages2M: 2);
        var (parent, child, vma) = SharedAfterFork(h, h.Machine.Hugetlb.Hstates[0]);
        h.Poison(h.PageAt(parent, vma.Start));

        var run = h.Machine.Run(() => UserAccess.Write(h.Machine, child, vma.Start, [1]));

        Assert.True(run.Died);
        Assert.Equal(Signals.SIGSEGV, child.ExitSignal);
        h.VerifyNothingQueued();
    }
}
