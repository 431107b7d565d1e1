using KernelModel.Mm;

namespace KernelModel.Arch.Arm64.Tests;

/// <summary>
/// copy_to_user (= copy_mc_to_user on arm64): with the series its kernel loads take KERNEL_MEM_ERR fixups to
/// 9998 (end - dst); its user stores take USER fixups to 9997 in every profile.
/// </summary>
public sealed class CopyToUserTests
{
    [Fact]
    public void CopyMcToUser_PoisonedKernelSource_ReturnsEndMinusDst()
    {
        var probe = new CopyProbe(() => Arm64Machines.Boot(Arm64Options.Series, new ClaimingGhes()));

        var result = probe.Run("copy_mc_to_user", new CopyCase(4096, 0, 0, [1000]));

        Assert.False(result.Died);
        Assert.Equal((14 * 64) + 16, result.Stored);
        Assert.Equal(4096 - ((14 * 64) + 16), result.Returned);
        var trap = Assert.Single(result.Traps);
        Assert.Equal(new CodeSite(CopyToUser.Routine, "cpy_body_large loop: ldp1 A", SiteAccess.Load), trap.Site);
        Assert.Equal(TrapOutcome.Fixup, trap.Outcome);
        Assert.Contains("9998f", trap.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CopyMcToUser_PoisonedKernelSourceUpstream_TheKernelDies()
    {
        var probe = new CopyProbe(() => Arm64Machines.Boot(Arm64Options.Upstream, new ClaimingGhes()));

        var result = probe.Run("copy_mc_to_user", new CopyCase(4096, 0, 0, [1000]));

        Assert.True(result.Died);
        Assert.True(result.ContractOk, result.Violation);
        Assert.Equal(TrapOutcome.Died, Assert.Single(result.Traps).Outcome);
        Assert.Contains(probe.Machine.Log.Lines, l => l.Text == "Internal error: synchronous external abort: 0000000096000010 [#1] SMP");
    }

    [Fact]
    public void CopyToUser_UserPageEndsInsideAUserStp_CountsTheHalfStoredPairAsNotCopied()
    {
        // 100 bytes: .Lcpy_over64 stores A (0..15), B (16..31), then C's first sttr fills 32..39 up to the page
        // end and its second faults; dst never moved past 32, so 9997 (dst != dstin) returns end - dst = 68.
        var (m, task, user, src) = UserCopy(Arm64Options.Series, pageEndOffset: 40);

        var run = m.RunInKernel(() => new CopyToUser(m).Copy(user, src, 100), task);

        Assert.Equal(68UL, run.Value);
        var trap = Assert.Single(m.Traps);
        Assert.Equal(TrapKind.PageFault, trap.Kind);
        Assert.Equal(new CodeSite(CopyToUser.Routine, "cpy_over64: stp1 C (sttr high)", SiteAccess.Store), trap.Site);
        Assert.Contains("EX_TYPE_UACCESS_ERR_ZERO -> 9997f", trap.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CopyToUser_FirstStoreFaults_TriesOneByteHarder()
    {
        // 16 bytes one byte before the page end: tail63's pair faults with nothing stored; 9997 copies one byte.
        var (m, task, user, src) = UserCopy(Arm64Options.Upstream, pageEndOffset: 1);

        var run = m.RunInKernel(() => new CopyToUser(m).Copy(user, src, 16), task);

        Assert.Equal(15UL, run.Value);
        Assert.Equal(new CodeSite(CopyToUser.Routine, "tail63: stp1 #3 (sttr low)", SiteAccess.Store), Assert.Single(m.Traps).Site);
    }

    [Theory]
    [InlineData(Arm64MemErrExtable.V13KaccessErrZeroMemErr)]
    [InlineData(Arm64MemErrExtable.V14KaccessErrZeroReuseAssumed)]
    public void CopyToUser_KernelNullPointer_IsNotFixedUpAndOopses(Arm64MemErrExtable kind)
    {
        // The cover letters' test 2: a translation fault on a MEM_ERR load still dies.
        var (m, task, user, _) = UserCopy(Arm64Options.Series with { MemErrExtable = kind }, pageEndOffset: 64);

        var run = m.RunInKernel(() => new CopyToUser(m).Copy(user, 0, 16), task);

        Assert.True(run.Died);
        Assert.Equal(new CodeSite(CopyToUser.Routine, "tail63: ldp1 #3", SiteAccess.Load), Assert.Single(m.Traps).Site);
        Assert.Contains(m.Log.Lines, l => l.Text == "Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000");
        Assert.Contains(m.Log.Lines, l => l.Text == "Internal error: Oops: 0000000096000007 [#1] SMP");
    }

    [Fact]
    public void CopyToUser_DestinationBeyondTaskSize_FailsAccessOkWithoutTouchingMemory()
    {
        var m = Arm64Machines.Boot(Arm64Options.Series, new ClaimingGhes());
        var (dst, src, _, _) = Arm64Machines.Pages(m);

        var run = m.RunInKernel(() => new CopyToUser(m).Copy(dst, src, 100));

        Assert.Equal(100UL, run.Value);
        Assert.Empty(m.Traps);
    }

    // A process with one mapped user page; the returned user address lies pageEndOffset bytes before its
    // end, and the next page is unmapped.
    private static (Machine Machine, TaskStruct Task, ulong User, ulong Src) UserCopy(Arm64Options options, int pageEndOffset)
    {
        var m = Arm64Machines.Boot(options, new ClaimingGhes());
        var task = m.Tasks.CreateProcess("user");
        var vma = task.Mm!.Mmap(2 * PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        var (_, src, dstPage, _) = Arm64Machines.Pages(m);
        task.Mm.PageTable.Set(vma.Start, Pte.Present(dstPage.Pfn, write: true));
        return (m, task, vma.Start + PhysicalMemory.PageSize - (ulong)pageEndOffset, src);
    }
}
