using Moq;

namespace KernelModel.Mm.Tests.Paths;

using Page = KernelModel.Mm.Page;

/// <summary>
/// With an architecture's own copy_mc_[user_]highpage (arm64's __HAVE_ARCH_COPY_MC_[USER_]HIGHPAGE), every path
/// calls that helper (the user variant for a user page, the kernel variant where the kernel owns the page), reacts
/// to its -EFAULT as it reacts to the generic helper's failure, and nothing in mm queues memory_failure: the
/// override does not, and the paths leave queueing to the helper. The coredump never uses the page helpers at all.
/// </summary>
public sealed class ArchOverrideTests
{
    private static (PathsHarness H, Mock<IArchHighpageCopy> Arm64) Harness(int hugepages2M = 0, int nodes = 1)
    {
        var arm64 = new Mock<IArchHighpageCopy>(MockBehavior.Strict);
        arm64.Setup(a => a.CopyMcUserHighpage(It.IsAny<Page>(), It.IsAny<Page>(), It.IsAny<ulong>(), It.IsAny<Vma>())).Returns(-Errno.EFAULT);
        arm64.Setup(a => a.CopyMcHighpage(It.IsAny<Page>(), It.IsAny<Page>())).Returns(-Errno.EFAULT);
        var options = new MmOptions { HwpoisonFaultSignal = HwpoisonFaultSignal.Arm64ForceSigMceerr };
        return (PathsHarness.WithCopyMc(options, hugepages2M: hugepages2M, nodes: nodes, highpageOverride: arm64), arm64);
    }

    private static void VerifyUserHelperOnly(PathsHarness h, Mock<IArchHighpageCopy> arm64, Page from)
    {
        arm64.Verify(a => a.CopyMcUserHighpage(It.IsAny<Page>(), from, It.IsAny<ulong>(), It.IsAny<Vma>()), Times.Once);
        arm64.Verify(a => a.CopyMcHighpage(It.IsAny<Page>(), It.IsAny<Page>()), Times.Never);
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), It.IsAny<ulong>()), Times.Never);
        h.VerifyNothingQueued();
    }

    [Fact]
    public void Fork_PinnedPage_CopyPresentPageUsesTheArchUserHelperFailsEnomemQueuesNothing()
    {
        var (h, arm64) = Harness();
        var parent = h.Process("pinner");
        var vma = PathsHarness.MapAnon(parent, 1);
        h.Fill(parent, vma.Start, 0x42);
        Gup.PinUserPages(h.Machine, parent, vma.Start, 1);

        Assert.Equal(-Errno.ENOMEM, Fork.KernelClone(h.Machine, parent));

        VerifyUserHelperOnly(h, arm64, h.PageAt(parent, vma.Start));
    }

    [Fact]
    public void DoCowFault_UsesTheArchUserHelperVmFaultHwpoisonQueuesNothing()
    {
        var (h, arm64) = Harness();
        var file = h.Machine.Filemap.CreateFile("/data", InodeKind.Regular, 4096);
        var cached = h.Machine.Filemap.ReadCacheFolio(file, 0)!.Value;
        var task = h.Process("cowfault");
        var vma = task.Mm!.Mmap(4096, VmFlags.Read | VmFlags.Write, file);

        Assert.Equal(VmFault.Hwpoison, UserAccess.Write(h.Machine, task, vma.Start, [1]).Fault);

        VerifyUserHelperOnly(h, arm64, cached.Head);
        Assert.Equal(new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, vma.Start, 12), Assert.Single(task.Delivered));
    }

    [Fact]
    public void KsmSwapin_SecondSharerUsesTheArchUserHelperVmFaultHwpoisonQueuesNothing()
    {
        var (h, arm64) = Harness();
        var a = h.Process("ksm-a");
        var b = h.Process("ksm-b");
        var vmaA = PathsHarness.MapAnon(a, 1, VmFlags.Mergeable);
        var vmaB = PathsHarness.MapAnon(b, 1, VmFlags.Mergeable);
        h.Fill(a, vmaA.Start, 0x4b);
        h.Fill(b, vmaB.Start, 0x4b);
        Ksm.KsmdScan(h.Machine);
        Vmscan.ReclaimFolio(h.Machine, h.PageAt(a, vmaA.Start).Folio);
        UserAccess.Read(h.Machine, a, vmaA.Start, new byte[1]);
        var entry = PathsHarness.PteAt(b, vmaB.Start);
        var cached = h.Machine.Mm.SwapCache.Peek(entry.SwapOffset)!.Value;

        Assert.Equal(VmFault.Hwpoison, UserAccess.Read(h.Machine, b, vmaB.Start, new byte[1]).Fault);

        Assert.Equal(entry, PathsHarness.PteAt(b, vmaB.Start));
        VerifyUserHelperOnly(h, arm64, cached.Head);
    }

    [Fact]
    public void HugetlbCow_CopyUserLargeFolioUsesTheArchUserHelperAndStopsAtTheFirstFailure()
    {
        var (h, arm64) = Harness(hugepages2M: 2);
        var hstate = h.Machine.Hugetlb.Hstates[0];
        var parent = h.Process("huge");
        var vma = Hugetlb.MmapHugetlb(parent.Mm!, hstate, hstate.Size, VmFlags.Read | VmFlags.Write);
        h.Fill(parent, vma.Start, 0x21, 64);
        var child = h.Machine.Tasks.Find(Fork.KernelClone(h.Machine, parent))!;
        var old = h.PageAt(parent, vma.Start).Folio;

        var result = UserAccess.Write(h.Machine, child, vma.Start, [1]);

        Assert.Equal(VmFault.HwpoisonLarge, result.Fault);
        VerifyUserHelperOnly(h, arm64, old.PageAt(h.Machine.Memory, 511));
        Assert.Equal(21, Assert.Single(child.Delivered).AddrLsb);
    }

    [Fact]
    public void Migration_FolioMcCopyUsesTheArchKernelHelperPermanentFailureQueuesNothing()
    {
        var (h, arm64) = Harness(nodes: 2);
        var task = h.Process("mig");
        var vma = PathsHarness.MapAnon(task, 1);
        h.Fill(task, vma.Start, 0x3c);
        var folio = h.PageAt(task, vma.Start).Folio;
        Migrate.IsolateFolio(folio);

        var failed = Migrate.MigratePages(h.Machine, [folio], src => Migrate.AllocMigrationTarget(h.Machine, src, 1), MigrateMode.Sync,
            MigrateReason.Syscall, out _);

        Assert.Equal(1, failed);
        arm64.Verify(a => a.CopyMcHighpage(It.IsAny<Page>(), folio.Head), Times.Once);
        arm64.Verify(a => a.CopyMcUserHighpage(It.IsAny<Page>(), It.IsAny<Page>(), It.IsAny<ulong>(), It.IsAny<Vma>()), Times.Never);
        h.VerifyNothingQueued();
    }

    [Fact]
    public void KhugepagedFile_CollapseFileUsesTheArchKernelHelperScanCopyMcQueuesNothing()
    {
        var (h, arm64) = Harness();
        var file = h.Machine.Filemap.CreateFile("/dev/shm/buf", InodeKind.Shmem, Memory.HpagePmdSize);
        var task = h.Process("shm");
        var vma = task.Mm!.Mmap(Memory.HpagePmdSize, VmFlags.Read | VmFlags.Write | VmFlags.Shared, file, align: Memory.HpagePmdSize);
        h.Fill(task, vma.Start, 0x30, 8);

        Assert.Equal(ScanResult.ScanCopyMc, Khugepaged.KhugepagedScan(h.Machine, task.Mm, vma.Start));

        arm64.Verify(a => a.CopyMcHighpage(It.IsAny<Page>(), file.Mapping.Lookup(0)!.Value.Head), Times.Once);
        arm64.Verify(a => a.CopyMcUserHighpage(It.IsAny<Page>(), It.IsAny<Page>(), It.IsAny<ulong>(), It.IsAny<Vma>()), Times.Never);
        h.VerifyNothingQueued();
    }

    [Fact]
    public void Coredump_CopiesWithCopyMcToKernelNeverThePageHelpersAndQueuesNothing()
    {
        var arm64 = new Mock<IArchHighpageCopy>(MockBehavior.Strict);
        var h = PathsHarness.WithCopyMc(highpageOverride: arm64);
        var task = h.Process("crasher");
        var vma = PathsHarness.MapAnon(task, 2);
        h.Fill(task, vma.Start, 0xc0, 2 * PathsHarness.PageSize);
        h.Poison(h.PageAt(task, vma.Start + PathsHarness.PageSize));

        var core = Coredump.DoCoredump(h.Machine, task);

        Assert.Equal((true, PathsHarness.PageSize), (core.Truncated, core.Size));
        arm64.VerifyNoOtherCalls();
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), PathsHarness.PageSize), Times.Exactly(2));
        h.VerifyNothingQueued();
    }
}
