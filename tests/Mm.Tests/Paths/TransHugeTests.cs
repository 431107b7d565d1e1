using Moq;

namespace KernelModel.Mm.Tests.Paths;

public sealed class TransHugeTests
{
    private const ulong Size2M = 2UL << 20;

    [Fact]
    public void Write_AlignedAnonRangeWithThpAlways_MapsAThpWithOnePmd()
    {
        var h = PathsHarness.WithCopyMc();
        var task = h.Process("thp");
        var vma = PathsHarness.MapAnon(task, 512, align: Size2M);

        h.Fill(task, vma.Start + 0x5000, 0x9, 1);

        var (pmd, level) = task.Mm!.PageTable.Walk(vma.Start);
        Assert.Equal(PageTableLevel.Pmd, level);
        Assert.True(pmd.Write);
        Assert.Equal(9, h.Machine.Memory.PfnToPage(pmd.Pfn).Folio.Order);
        Assert.Equal(0x9, h.Machine.Memory.FrameForRead(pmd.Pfn + 5)[0]);
    }

    [Theory]
    [InlineData(ThpEnabled.Madvise, VmFlags.None, PageTableLevel.Pte)]
    [InlineData(ThpEnabled.Madvise, VmFlags.Hugepage, PageTableLevel.Pmd)]
    [InlineData(ThpEnabled.Never, VmFlags.Hugepage, PageTableLevel.Pte)]
    [InlineData(ThpEnabled.Always, VmFlags.Nohugepage, PageTableLevel.Pte)]
    public void Write_ThpSetting_DecidesTheMappingSize(ThpEnabled setting, VmFlags advice, PageTableLevel expected)
    {
        var h = PathsHarness.WithCopyMc(new MmOptions { TransparentHugepage = setting });
        var task = h.Process("thp");
        var vma = PathsHarness.MapAnon(task, 512, advice, align: Size2M);

        h.Fill(task, vma.Start, 0x9, 1);

        Assert.Equal(expected, task.Mm!.PageTable.Walk(vma.Start).Level);
    }

    [Fact]
    public void ChildWrite_SharedThp_SplitsThePmdAndCopiesOnlyThe4KPage()
    {
        var h = PathsHarness.WithCopyMc();
        var parent = h.Process("thp");
        var vma = PathsHarness.MapAnon(parent, 512, align: Size2M);
        h.Fill(parent, vma.Start, 0x9, 1);
        var thp = h.PageAt(parent, vma.Start).Folio;
        var child = h.Machine.Tasks.Find(Fork.KernelClone(h.Machine, parent))!;
        Assert.Equal((2, 2), (thp.MapCount, thp.RefCount));

        h.Fill(child, vma.Start + 0x3000, 0xa, 1);

        Assert.Equal(PageTableLevel.Pte, child.Mm!.PageTable.Walk(vma.Start).Level);
        Assert.Equal(PageTableLevel.Pmd, parent.Mm!.PageTable.Walk(vma.Start).Level);
        Assert.NotEqual(thp.Pfn + 3, PathsHarness.PteAt(child, vma.Start + 0x3000).Pfn);
        Assert.Equal(thp.Pfn + 4, PathsHarness.PteAt(child, vma.Start + 0x4000).Pfn);
        Assert.Equal((512, 512), (thp.MapCount, thp.RefCount));
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), h.Machine.PageAddress(h.Machine.Memory.PfnToPage(thp.Pfn + 3)), 4096), Times.Once);
    }

    [Fact]
    public void ChildWrite_SharedThpWithPoisonInTheWrittenPage_VmFaultHwpoisonLsb12()
    {
        var h = PathsHarness.WithCopyMc();
        var parent = h.Process("thp");
        var vma = PathsHarness.MapAnon(parent, 512, align: Size2M);
        h.Fill(parent, vma.Start, 0x9, 1);
        var thp = h.PageAt(parent, vma.Start).Folio;
        var child = h.Machine.Tasks.Find(Fork.KernelClone(h.Machine, parent))!;
        h.Poison(h.Machine.Memory.PfnToPage(thp.Pfn + 3));

        var result = UserAccess.Write(h.Machine, child, vma.Start + 0x3008, [1]);

        Assert.Equal(VmFault.Hwpoison, result.Fault);
        Assert.Equal(12, Assert.Single(child.Delivered).AddrLsb);
        h.VerifyQueuedExactly(thp.Pfn + 3);
    }

    [Fact]
    public void Read_LatentPoisonInAThp_GoesThroughTheArchTrap()
    {
        var h = PathsHarness.WithCopyMc();
        var task = h.Process("thp");
        var vma = PathsHarness.MapAnon(task, 512, align: Size2M);
        h.Fill(task, vma.Start, 0x9, 1);
        var bad = h.PageAt(task, vma.Start + 0x7000);
        h.Poison(bad, 0x100);
        h.Trap.Setup(t => t.HardwareError(It.IsAny<Cpu>(), It.IsAny<HardwareErrorEvent>())).Returns(TrapDecision.UserHandled("test"));

        var result = UserAccess.Read(h.Machine, task, vma.Start + 0x7100, new byte[8]);

        Assert.Equal(UserAccessOutcome.Trapped, result.Outcome);
        h.Trap.Verify(t => t.HardwareError(It.IsAny<Cpu>(), It.Is<HardwareErrorEvent>(e => e.Pfn == bad.Pfn && e.Mode == CpuMode.User)), Times.Once);
    }

    [Fact]
    public void Fork_PinnedExclusiveThp_IsSplitAndThePinnedPagesAreCopied()
    {
        var h = PathsHarness.WithCopyMc();
        var parent = h.Process("thp");
        var vma = PathsHarness.MapAnon(parent, 512, align: Size2M);
        h.Fill(parent, vma.Start, 0x9, 1);
        Gup.PinUserPages(h.Machine, parent, vma.Start, 1);
        var thp = h.PageAt(parent, vma.Start).Folio;

        var child = h.Machine.Tasks.Find(Fork.KernelClone(h.Machine, parent))!;

        Assert.Equal(PageTableLevel.Pte, parent.Mm!.PageTable.Walk(vma.Start).Level);
        Assert.NotEqual(thp.Pfn, PathsHarness.PteAt(child, vma.Start).Pfn);
        Assert.True(PathsHarness.PteAt(parent, vma.Start).Write);
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), 4096), Times.Exactly(512));
    }
}
