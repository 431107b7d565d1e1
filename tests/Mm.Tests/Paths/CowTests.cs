using Moq;

namespace KernelModel.Mm.Tests.Paths;

using Page = KernelModel.Mm.Page;

/// <summary>Anonymous COW (do_wp_page -> wp_page_copy -> __wp_page_copy_user) after fork.</summary>
public sealed class CowTests
{
    private sealed record Forked(PathsHarness H, TaskStruct Parent, TaskStruct Child, Vma Vma, ulong Pfn);

    private static Forked ParentAndChildSharing(PathsHarness h)
    {
        var parent = h.Process("cow");
        var vma = PathsHarness.MapAnon(parent, 1);
        h.Fill(parent, vma.Start, 0x5a);
        var pfn = PathsHarness.PteAt(parent, vma.Start).Pfn;
        var pid = Fork.KernelClone(h.Machine, parent);
        Assert.True(pid > 0);
        return new Forked(h, parent, h.Machine.Tasks.Find(pid)!, vma, pfn);
    }

    [Fact]
    public void ChildWrite_SharedPage_CopiesItAndTheParentKeepsTheOriginal()
    {
        var f = ParentAndChildSharing(PathsHarness.WithCopyMc());
        var m = f.H.Machine;

        f.H.Fill(f.Child, f.Vma.Start, 0x66, 1);

        var childPte = PathsHarness.PteAt(f.Child, f.Vma.Start);
        Assert.NotEqual(f.Pfn, childPte.Pfn);
        Assert.True(childPte.Write);
        Assert.Equal(0x66, m.Memory.FrameForRead(childPte.Pfn)[0]);
        Assert.Equal(0x5a, m.Memory.FrameForRead(childPte.Pfn)[1]);
        Assert.Equal(0x5a, m.Memory.FrameForRead(f.Pfn)[0]);
        var old = m.Memory.PfnToPage(f.Pfn);
        Assert.Equal((1, 1), (old.MapCount, old.RefCount));
        f.H.VerifyNothingQueued();
    }

    [Fact]
    public void ParentWrite_AfterTheChildCopied_ReusesThePageWithoutAnotherCopy()
    {
        var f = ParentAndChildSharing(PathsHarness.WithCopyMc());
        f.H.Fill(f.Child, f.Vma.Start, 0x66, 1);

        f.H.Fill(f.Parent, f.Vma.Start, 0x77, 1);

        Assert.Equal(f.Pfn, PathsHarness.PteAt(f.Parent, f.Vma.Start).Pfn);
        Assert.True(PathsHarness.PteAt(f.Parent, f.Vma.Start).Write);
        f.H.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), It.IsAny<ulong>()), Times.Once);
    }

    [Fact]
    public void ChildWrite_PoisonedSharedPage_VmFaultHwpoisonPteUnchangedCopyFreedSigbusAr()
    {
        var h = PathsHarness.WithCopyMc();
        var f = ParentAndChildSharing(h);
        var m = h.Machine;
        var old = m.Memory.PfnToPage(f.Pfn);
        h.Poison(old, 0x300);
        var ptesBefore = PathsHarness.PteAt(f.Child, f.Vma.Start);
        var free = m.Allocator.NrFreePages;
        var address = f.Vma.Start + 0x123;

        var result = UserAccess.Write(m, f.Child, address, [1]);

        Assert.Equal(UserAccessOutcome.Signalled, result.Outcome);
        Assert.Equal(VmFault.Hwpoison, result.Fault);
        Assert.Equal(ptesBefore, PathsHarness.PteAt(f.Child, f.Vma.Start));
        Assert.False(PathsHarness.PteAt(f.Parent, f.Vma.Start).Write);
        Assert.Equal(free, m.Allocator.NrFreePages);
        Assert.Equal((2, 2), (old.MapCount, old.RefCount));
        h.VerifyQueuedExactly(f.Pfn);
        Assert.Equal(new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, address, 12), Assert.Single(f.Child.Delivered));
        Assert.Equal(Signals.SIGBUS, f.Child.ExitSignal);
        Assert.True(f.Parent.IsAlive);
        Assert.Equal([$"MCE: Killing cow:{f.Child.Pid} due to hardware memory corruption fault at {address:x}"], h.ConsoleText());
    }

    [Fact]
    public void ChildWrite_PoisonedSharedPageWithArchOverride_VmFaultHwpoisonAndNothingQueued()
    {
        var arm64 = new Mock<IArchHighpageCopy>(MockBehavior.Strict);
        arm64.Setup(a => a.CopyMcUserHighpage(It.IsAny<Page>(), It.IsAny<Page>(), It.IsAny<ulong>(), It.IsAny<Vma>())).Returns(-Errno.EFAULT);
        var h = PathsHarness.WithCopyMc(new MmOptions { HwpoisonFaultSignal = HwpoisonFaultSignal.Arm64ForceSigMceerr }, highpageOverride: arm64);
        var f = ParentAndChildSharing(h);

        var result = UserAccess.Write(h.Machine, f.Child, f.Vma.Start, [1]);

        Assert.Equal(VmFault.Hwpoison, result.Fault);
        arm64.Verify(a => a.CopyMcUserHighpage(It.IsAny<Page>(), h.Machine.Memory.PfnToPage(f.Pfn), f.Vma.Start, It.Is<Vma>(v => v.Mm == f.Child.Mm)), Times.Once);
        h.VerifyNothingQueued();
        Assert.Empty(h.ConsoleText());
        Assert.Equal(Signals.BUS_MCEERR_AR, Assert.Single(f.Child.Delivered).Code);
    }

    [Fact]
    public void ChildWrite_PoisonedSharedPageOnTheGenericProfile_TheKernelDiesInCopyPageAndNothingIsQueued()
    {
        var h = PathsHarness.Generic();
        var f = ParentAndChildSharing(h);
        h.Poison(h.Machine.Memory.PfnToPage(f.Pfn));

        var run = h.Machine.Run(() => UserAccess.Write(h.Machine, f.Child, f.Vma.Start, [1]));

        Assert.True(run.Died);
        Assert.False(run.Panicked);
        Assert.Equal(CopyPage.Load, Assert.Single(h.Machine.Traps).Site);
        Assert.Equal(Signals.SIGSEGV, f.Child.ExitSignal);
        Assert.True(f.Parent.IsAlive);
        h.VerifyNothingQueued();
    }

    [Fact]
    public void ChildWrite_PoisonedSharedPageOnTheGenericProfileWithPanicOnOops_Panics()
    {
        var h = PathsHarness.Generic();
        h.Machine.Sysctl.Set("kernel.panic_on_oops", "1");
        var f = ParentAndChildSharing(h);
        h.Poison(h.Machine.Memory.PfnToPage(f.Pfn));

        var run = h.Machine.Run(() => UserAccess.Write(h.Machine, f.Child, f.Vma.Start, [1]));

        Assert.True(run.Panicked);
        Assert.Equal(MachineState.Panicked, h.Machine.State);
        Assert.Equal("Fatal exception", h.Machine.PanicMessage);
    }

    [Fact]
    public void Write_PrivateFilePageAlreadyMapped_IsCopiedAndTheFileKeepsItsPage()
    {
        var h = PathsHarness.WithCopyMc();
        var m = h.Machine;
        var file = m.Filemap.CreateFile("/lib", InodeKind.Regular, 4096);
        file.BackingStore[0] = Enumerable.Repeat((byte)0x31, 4096).ToArray();
        var task = h.Process("priv");
        var vma = task.Mm!.Mmap(4096, VmFlags.Read | VmFlags.Write, file);
        UserAccess.Read(m, task, vma.Start, new byte[1]);
        var cached = file.Mapping.Lookup(0)!.Value;

        h.Fill(task, vma.Start, 0x32, 1);

        Assert.NotEqual(cached.Pfn, PathsHarness.PteAt(task, vma.Start).Pfn);
        Assert.Equal(0x31, m.Memory.FrameForRead(cached.Pfn)[0]);
        Assert.Equal((0, 1), (cached.MapCount, cached.RefCount));
    }
}
