using Moq;

namespace KernelModel.Mm.Tests.Paths;

public sealed class HighmemTests
{
    [Fact]
    public void CopyMcUserHighpage_CleanSource_CopiesAndQueuesNothing()
    {
        var h = PathsHarness.WithCopyMc();
        var m = h.Machine;
        var (src, dst) = (m.Allocator.AllocFolio(0)!.Value.Head, m.Allocator.AllocFolio(0)!.Value.Head);
        m.Memory.FrameForWrite(src.Pfn).Fill(0xab);
        var vma = PathsHarness.MapAnon(h.Process("t"), 1);

        var ret = Highmem.CopyMcUserHighpage(m, dst, src, vma.Start, vma);

        Assert.Equal(0, ret);
        Assert.True(m.Memory.FrameForRead(dst.Pfn).SequenceEqual(m.Memory.FrameForRead(src.Pfn)));
        h.CopyMc.Verify(c => c.CopyMcToKernel(m.PageAddress(dst), m.PageAddress(src), 4096), Times.Once);
        h.VerifyNothingQueued();
    }

    [Fact]
    public void CopyMcUserHighpage_PoisonedSource_QueuesTheSourcePfnWithFlagsZeroAndReturnsMinusEfault()
    {
        var h = PathsHarness.WithCopyMc();
        var m = h.Machine;
        var (src, dst) = (m.Allocator.AllocFolio(0)!.Value.Head, m.Allocator.AllocFolio(0)!.Value.Head);
        h.Poison(src, 0x200);
        var vma = PathsHarness.MapAnon(h.Process("t"), 1);

        var ret = Highmem.CopyMcUserHighpage(m, dst, src, vma.Start, vma);

        Assert.Equal(-Errno.EFAULT, ret);
        h.VerifyQueuedExactly(src.Pfn);
    }

    [Fact]
    public void CopyMcHighpage_BytesNotCopiedOption_ReturnsWhatCopyMcToKernelLeftAndStillQueues()
    {
        var h = PathsHarness.WithCopyMc(new MmOptions { HighpageCopyFailure = HighpageCopyFailure.BytesNotCopied });
        var m = h.Machine;
        var (src, dst) = (m.Allocator.AllocFolio(0)!.Value.Head, m.Allocator.AllocFolio(0)!.Value.Head);
        h.Poison(src, 0x200);

        var ret = Highmem.CopyMcHighpage(m, dst, src);

        Assert.Equal(4096 - 0x200, ret);
        h.VerifyQueuedExactly(src.Pfn);
    }

    [Fact]
    public void CopyMcHighpage_ArchOverride_IsCalledInsteadAndNothingIsQueued()
    {
        var arm64 = new Mock<IArchHighpageCopy>(MockBehavior.Strict);
        var h = PathsHarness.WithCopyMc(highpageOverride: arm64);
        var m = h.Machine;
        var (src, dst) = (m.Allocator.AllocFolio(0)!.Value.Head, m.Allocator.AllocFolio(0)!.Value.Head);
        arm64.Setup(a => a.CopyMcHighpage(dst, src)).Returns(-Errno.EFAULT);

        var ret = Highmem.CopyMcHighpage(m, dst, src);

        Assert.Equal(-Errno.EFAULT, ret);
        arm64.Verify(a => a.CopyMcHighpage(dst, src), Times.Once);
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), It.IsAny<ulong>()), Times.Never);
        h.VerifyNothingQueued();
    }

    [Fact]
    public void CopyMcUserHighpage_ArchOverride_PassesTheUserAddressAndVma()
    {
        var arm64 = new Mock<IArchHighpageCopy>(MockBehavior.Strict);
        var h = PathsHarness.WithCopyMc(highpageOverride: arm64);
        var m = h.Machine;
        var (src, dst) = (m.Allocator.AllocFolio(0)!.Value.Head, m.Allocator.AllocFolio(0)!.Value.Head);
        var vma = PathsHarness.MapAnon(h.Process("t"), 1);
        arm64.Setup(a => a.CopyMcUserHighpage(dst, src, vma.Start + 8, vma)).Returns(0);

        Assert.Equal(0, Highmem.CopyMcUserHighpage(m, dst, src, vma.Start + 8, vma));
        h.VerifyNothingQueued();
    }

    [Fact]
    public void CopyMcUserHighpage_NoArchCopyMc_PlainCopyPageConsumesThePoisonAndTheKernelDies()
    {
        var h = PathsHarness.Generic();
        var m = h.Machine;
        var task = h.Process("t");
        var vma = PathsHarness.MapAnon(task, 1);
        var (src, dst) = (m.Allocator.AllocFolio(0)!.Value.Head, m.Allocator.AllocFolio(0)!.Value.Head);
        h.Poison(src, 0x80);

        KernelRun<int> run;
        using (m.CurrentCpu.Enter(task, CpuMode.Kernel))
        {
            run = m.Run(() => Highmem.CopyMcUserHighpage(m, dst, src, vma.Start, vma));
        }

        Assert.True(run.Died);
        Assert.False(run.Panicked);
        var trap = Assert.Single(m.Traps);
        Assert.Equal(CopyPage.Load, trap.Site);
        Assert.Equal(src.PhysAddr + 0x80, trap.PhysicalAddress);
        Assert.Equal($"Internal error: uncorrected hardware memory error at {Printf.HashLx(src.PhysAddr + 0x80)} in copy_page [#1]", h.ConsoleText().Single());
        Assert.Equal(Signals.SIGSEGV, task.ExitSignal);
        h.VerifyNothingQueued();
    }

    [Fact]
    public void CopyMcUserHighpage_NoArchCopyMc_CleanSourceIsAPlainCopyReturningZero()
    {
        var h = PathsHarness.Generic();
        var m = h.Machine;
        var vma = PathsHarness.MapAnon(h.Process("t"), 1);
        var (src, dst) = (m.Allocator.AllocFolio(0)!.Value.Head, m.Allocator.AllocFolio(0)!.Value.Head);
        m.Memory.FrameForWrite(src.Pfn)[4095] = 0x5a;

        Assert.Equal(0, Highmem.CopyMcUserHighpage(m, dst, src, vma.Start, vma));
        Assert.Equal(0x5a, m.Memory.FrameForRead(dst.Pfn)[4095]);
    }

    [Fact]
    public void FolioMcCopy_ThirdPagePoisoned_ReturnsEhwpoisonAtThatPageAndQueuesOnlyIt()
    {
        var h = PathsHarness.WithCopyMc();
        var m = h.Machine;
        var src = m.Allocator.AllocFolio(3)!.Value;
        var dst = m.Allocator.AllocFolio(3)!.Value;
        h.Poison(src.PageAt(m.Memory, 2));

        var ret = MmUtil.FolioMcCopy(m, dst, src);

        Assert.Equal(-Errno.EHWPOISON, ret);
        h.VerifyQueuedExactly(src.Pfn + 2);
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), 4096), Times.Exactly(3));
    }

    [Theory]
    [InlineData(HighpageCopyFailure.Efault, -14, true)]
    [InlineData(HighpageCopyFailure.Efault, 4096, true)]
    [InlineData(HighpageCopyFailure.BytesNotCopied, 4096, true)]
    [InlineData(HighpageCopyFailure.BytesNotCopied, -14, false)]
    [InlineData(HighpageCopyFailure.BytesNotCopied, 0, false)]
    public void CopyFailed_KhugepagedTest_IsNonZeroWithPatch3AndPositiveBefore(HighpageCopyFailure option, int ret, bool failed)
    {
        var h = PathsHarness.WithCopyMc(new MmOptions { HighpageCopyFailure = option });

        Assert.Equal(failed, Highmem.CopyFailed(h.Machine, ret));
    }

    [Fact]
    public void MmOptions_UndefinedValue_IsRejectedNamingTheValidOnes()
    {
        var config = new MachineConfig { MemoryBytes = 1UL << 30, Mm = new MmOptions { HwpoisonFaultSignal = (HwpoisonFaultSignal)7 } };

        var e = Assert.Throws<ArgumentException>(config.Validate);

        Assert.Equal("invalid HwpoisonFaultSignal 7: valid values are DoSigbus, Arm64ForceSigMceerr, RiscvDoTrap", e.Message);
    }
}
