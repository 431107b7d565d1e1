using Moq;

namespace KernelModel.Mm.Tests.Paths;

public sealed class UserFaultTests
{
    [Fact]
    public void Read_UntouchedAnonymousPage_MapsTheZeroPageReadOnlyAndReadsZeroes()
    {
        var h = PathsHarness.WithCopyMc();
        var task = h.Process("reader");
        var vma = PathsHarness.MapAnon(task, 1);
        var buffer = new byte[16];
        buffer[0] = 1;

        var result = UserAccess.Read(h.Machine, task, vma.Start + 100, buffer);

        Assert.Equal(UserAccessOutcome.Completed, result.Outcome);
        Assert.All(buffer, b => Assert.Equal(0, b));
        var pte = PathsHarness.PteAt(task, vma.Start);
        Assert.Equal(h.Machine.Mm.ZeroPage!.Pfn, pte.Pfn);
        Assert.False(pte.Write);
    }

    [Fact]
    public void Write_AfterReadOfTheZeroPage_GetsANewExclusivePageWithoutCopying()
    {
        var h = PathsHarness.WithCopyMc();
        var task = h.Process("writer");
        var vma = PathsHarness.MapAnon(task, 1);
        UserAccess.Read(h.Machine, task, vma.Start, new byte[1]);

        h.Fill(task, vma.Start + 8, 0x77, 8);

        var page = h.PageAt(task, vma.Start);
        Assert.NotEqual(h.Machine.Mm.ZeroPage!.Pfn, page.Pfn);
        Assert.True(page.Test(PageFlags.AnonExclusive));
        Assert.True(PathsHarness.PteAt(task, vma.Start).Write);
        Assert.Equal(0x77, h.Machine.Memory.FrameForRead(page.Pfn)[8]);
        Assert.Equal(0, h.Machine.Memory.FrameForRead(page.Pfn)[7]);
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), It.IsAny<ulong>()), Times.Never);
    }

    [Fact]
    public void Access_HwpoisonEntry_VmFaultHwpoisonAndSigbusMceerrArAtTheExactAddressLsb12()
    {
        var h = PathsHarness.WithCopyMc();
        var task = h.Process("victim");
        var vma = PathsHarness.MapAnon(task, 2);
        var address = vma.Start + PathsHarness.PageSize + 0x123;
        task.Mm!.PageTable.Set(vma.Start + PathsHarness.PageSize, Pte.HwpoisonEntry(0x4242));

        var result = UserAccess.Read(h.Machine, task, address, new byte[4]);

        Assert.Equal(UserAccessOutcome.Signalled, result.Outcome);
        Assert.Equal(VmFault.Hwpoison, result.Fault);
        Assert.Equal(address, result.Address);
        Assert.Equal(new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, address, 12), Assert.Single(task.Delivered));
        Assert.Equal(TaskExitState.Killed, task.ExitState);
        Assert.Equal(Signals.SIGBUS, task.ExitSignal);
        Assert.Equal([$"MCE: Killing victim:{task.Pid} due to hardware memory corruption fault at {address:x}"], h.ConsoleText());
        Assert.Equal(PteKind.Hwpoison, PathsHarness.PteAt(task, address).Kind);
        h.VerifyNothingQueued();
    }

    [Fact]
    public void Access_HwpoisonEntryWithAHandler_TheTaskSurvivesWithTheSignalDelivered()
    {
        var h = PathsHarness.WithCopyMc();
        var task = h.Process("handler");
        task.SetAction(Signals.SIGBUS, SignalAction.Handler);
        var vma = PathsHarness.MapAnon(task, 1);
        task.Mm!.PageTable.Set(vma.Start, Pte.HwpoisonEntry(0x4242));

        var result = UserAccess.Write(h.Machine, task, vma.Start + 4, [1]);

        Assert.Equal(UserAccessOutcome.Signalled, result.Outcome);
        Assert.True(task.IsAlive);
        Assert.Equal(Signals.BUS_MCEERR_AR, Assert.Single(task.Delivered).Code);
    }

    [Fact]
    public void Access_HwpoisonEntry_Arm64Style_SameSignalWithoutTheMceLine()
    {
        var h = PathsHarness.WithCopyMc(new MmOptions { HwpoisonFaultSignal = HwpoisonFaultSignal.Arm64ForceSigMceerr });
        var task = h.Process("victim");
        var vma = PathsHarness.MapAnon(task, 1);
        task.Mm!.PageTable.Set(vma.Start, Pte.HwpoisonEntry(0x4242));

        UserAccess.Read(h.Machine, task, vma.Start + 0x10, new byte[1]);

        Assert.Equal(new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, vma.Start + 0x10, 12), Assert.Single(task.Delivered));
        Assert.Empty(h.ConsoleText());
    }

    [Fact]
    public void Access_HwpoisonEntry_RiscvStyle_SigbusBusAdrerrWithoutLsb()
    {
        var h = PathsHarness.WithCopyMc(new MmOptions { HwpoisonFaultSignal = HwpoisonFaultSignal.RiscvDoTrap });
        var task = h.Process("victim");
        var vma = PathsHarness.MapAnon(task, 1);
        task.Mm!.PageTable.Set(vma.Start, Pte.HwpoisonEntry(0x4242));

        UserAccess.Read(h.Machine, task, vma.Start + 0x10, new byte[1]);

        Assert.Equal(new SigInfo(Signals.SIGBUS, Signals.BUS_ADRERR, vma.Start + 0x10), Assert.Single(task.Delivered));
        Assert.Empty(h.ConsoleText());
    }

    [Fact]
    public void Access_NoVma_SigsegvMaperr()
    {
        var h = PathsHarness.WithCopyMc();
        var task = h.Process("stray");

        var result = UserAccess.Read(h.Machine, task, 0x1000, new byte[1]);

        Assert.Equal(UserAccessOutcome.Signalled, result.Outcome);
        Assert.Equal(VmFault.Sigsegv, result.Fault);
        Assert.Equal(new SigInfo(Signals.SIGSEGV, Signals.SEGV_MAPERR, 0x1000), Assert.Single(task.Delivered));
    }

    [Fact]
    public void Write_ReadOnlyVma_SigsegvAccerr()
    {
        var h = PathsHarness.WithCopyMc();
        var task = h.Process("ro");
        var vma = task.Mm!.Mmap(PathsHarness.PageSize, VmFlags.Read);

        UserAccess.Write(h.Machine, task, vma.Start, [1]);

        Assert.Equal(new SigInfo(Signals.SIGSEGV, Signals.SEGV_ACCERR, vma.Start), Assert.Single(task.Delivered));
    }

    [Fact]
    public void Read_LatentPoison_GoesThroughTheArchTrapAndIsNotRetried()
    {
        var h = PathsHarness.WithCopyMc();
        var task = h.Process("loader");
        var vma = PathsHarness.MapAnon(task, 1);
        h.Fill(task, vma.Start, 0x11);
        var page = h.PageAt(task, vma.Start);
        h.Poison(page, 0x40);
        h.Trap.Setup(t => t.HardwareError(It.IsAny<Cpu>(), It.IsAny<HardwareErrorEvent>()))
            .Returns(TrapDecision.UserHandled("test trap"));

        var result = UserAccess.Read(h.Machine, task, vma.Start + 0x44, new byte[8]);

        Assert.Equal(UserAccessOutcome.Trapped, result.Outcome);
        Assert.Equal(vma.Start + 0x44, result.Address);
        h.Trap.Verify(t => t.HardwareError(h.Machine.CurrentCpu, It.Is<HardwareErrorEvent>(e =>
            e.Mode == CpuMode.User && e.Site == UserAccess.Load && e.VirtualAddress == vma.Start + 0x44 && e.PhysicalAddress == page.PhysAddr + 0x44)), Times.Once);
        h.VerifyNothingQueued();
    }

    [Fact]
    public void Read_LatentPoisonOnTheGenericProfile_TheTrapCallsMemoryFailureActionRequired()
    {
        var h = PathsHarness.Generic();
        var task = h.Process("loader");
        var vma = PathsHarness.MapAnon(task, 1);
        h.Fill(task, vma.Start, 0x11);
        var page = h.PageAt(task, vma.Start);
        h.Poison(page);

        var run = h.Machine.Run(() => UserAccess.Read(h.Machine, task, vma.Start + 0x140, new byte[8]));

        Assert.Equal(UserAccessOutcome.Trapped, run.Value!.Outcome);
        h.MemoryFailure.Verify(m => m.MemoryFailure(page.Pfn, MfFlags.ActionRequired), Times.Once);
        h.VerifyNothingQueued();
    }
}
