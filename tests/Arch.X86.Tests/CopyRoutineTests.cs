using KernelModel.Mm;
using KernelModel.Uaccess;

namespace KernelModel.Arch.X86.Tests;

/// <summary>
/// Exact counts of the x86 copies outside the contract grid: the 32-bit length, the fast-string progress
/// assumption, and copy_user_generic's paths (FSRM rep movsb, rep_movs_alternative bytes, words, rep movsb,
/// rep movsq) when the kernel reads a poisoned user page.
/// </summary>
public sealed class CopyRoutineTests
{
    [Fact]
    public void CopyMcToKernel_LengthAbove4GiB_IsTruncatedTo32Bits()
    {
        var m = X86Machines.Boot();
        var src = m.Allocator.AllocFolio(0)!.Value;
        var dst = m.Allocator.AllocFolio(0)!.Value;
        m.Memory.FrameForWrite(src.Pfn).Fill(0x5a);

        var ret = m.Arch.CopyMc.CopyMcToKernel(m.PageAddress(dst.Head), m.PageAddress(src.Head), (1UL << 32) + 16);

        Assert.Equal(0UL, ret);
        var copied = m.Memory.FrameForRead(dst.Pfn);
        Assert.All(copied[..16].ToArray(), b => Assert.Equal(0x5a, b));
        Assert.All(copied[16..].ToArray(), b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(FastStringProgress.PoisonedLineStart, 192, 64)]
    [InlineData(FastStringProgress.DestinationLineStart, 224, 32)]
    public void CopyMcEnhancedFastString_ProgressAssumption_SetsTheReturnedCount(FastStringProgress progress, long returned, long stored)
    {
        // dst 32 bytes into a line, poison in source line 1 (offsets 64-127): a destination-line piece covering
        // source offsets 32-95 straddles source lines 0 and 1 and faults as a whole.
        var probe = new CopyProbe(() => X86Machines.Boot(new X86Options { FastStringProgress = progress }));

        var result = probe.Run("copy_mc_to_kernel", new CopyCase(256, 0, 32, [100]));

        Assert.Equal((returned, stored), (result.Returned, result.Stored));
        Assert.True(result.ContractOk);
    }

    private static (ulong Returned, TrapEvent[] Traps, byte[] Kbuf, byte[] User) CopyFromPoisonedUser(X86Options options, ulong offset, ulong length)
    {
        var m = X86Machines.Boot(options);
        var (task, uaddr, frame) = X86Machines.UserPages(m);
        m.Memory.InjectPoison(frame.Head.PhysAddr + 128);
        var kbuf = m.Allocator.AllocFolio(0)!.Value;
        KernelRun<ulong> run;
        using (m.CurrentCpu.Enter(task, CpuMode.Kernel))
        {
            run = m.Run(() => UserCopy.CopyFromUser(m, m.PageAddress(kbuf.Head), uaddr + offset, length));
        }

        Assert.True(run.Completed);
        return (run.Value, m.Traps.ToArray(), m.Memory.FrameForRead(kbuf.Pfn).ToArray(), m.Memory.FrameForRead(frame.Pfn).ToArray());
    }

    [Theory]
    // FSRM: copy_user_generic's inline rep movsb stops at the poisoned line.
    [InlineData(true, true, 3UL, 300UL, 175UL, "copy_user_generic", "1: rep movsb (load)")]
    // rep_movs_alternative, ERMS, 64 bytes or more: rep movsb.
    [InlineData(false, true, 3UL, 300UL, 175UL, "rep_movs_alternative", ".Llarge: 0: rep movsb (load)")]
    // rep_movs_alternative without ERMS: rep movsq stops at the qword straddling lines 1 and 2 (offsets 123-130),
    // rcx = 4 + 22 * 8 = 180, then the byte tail copies 123-127 and faults at 128.
    [InlineData(false, false, 3UL, 300UL, 175UL, "rep_movs_alternative", ".Llarge_movsq: 0: rep movsq (load)")]
    // Under 64: words; the word at 124-131 faults and the byte tail stops at 128.
    [InlineData(false, true, 100UL, 40UL, 12UL, "rep_movs_alternative", ".Lword: 2: movq (%rsi),%rax")]
    // Under 8: bytes.
    [InlineData(false, true, 126UL, 5UL, 3UL, "rep_movs_alternative", ".Lcopy_user_tail: 0: movb (%rsi),%al")]
    public void CopyFromUser_EachCopyUserGenericPath_ReturnsTheBytesFromThePoisonedLine(bool fsrm, bool erms, ulong offset, ulong length, ulong returned, string routine, string firstTrap)
    {
        var (ret, traps, kbuf, user) = CopyFromPoisonedUser(new X86Options { Fsrm = fsrm, Erms = erms }, offset, length);

        Assert.Equal(returned, ret);
        Assert.Equal(new CodeSite(routine, firstTrap, SiteAccess.Load), traps[0].Site);
        Assert.All(traps, t => Assert.Equal(TrapOutcome.Fixup, t.Outcome));
        var copied = (int)(length - returned);
        Assert.Equal(user[(int)offset..((int)offset + copied)], kbuf[..copied]);
        Assert.All(kbuf[copied..(int)length], b => Assert.Equal(0, b));
    }

    [Fact]
    public void CopyFromUser_RepMovsqThenByteTail_TakesTwoMachineChecksButQueuesOneTaskWork()
    {
        var (_, traps, _, _) = CopyFromPoisonedUser(new X86Options { Fsrm = false, Erms = false }, 3, 300);

        Assert.Equal([CopyUserGeneric.LargeMovsqLoad, CopyUserGeneric.TailLoad], traps.Select(t => t.Site));
    }
}
