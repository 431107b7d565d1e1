using KernelModel.Mm;

namespace KernelModel.Uaccess.Tests;

/// <summary>
/// copy_to_user / copy_from_user over each architecture's raw routine: the "bytes not copied" each returns after a
/// consumed poisoned line (arch-copy-mc.md 4.4, 5.7: arm64 end - dst with the 64-byte load-ahead, RISC-V t5 - a0 at
/// the 8-register block; x86 copy_user_generic's rcx), and where there is no fixup, the kernel's death.
/// </summary>
public sealed class UserCopyTests
{
    [Theory]
    // arm64: the large loop stores block n-1 interleaved with loading block n; the load of the poisoned block faults
    // after the first 16-byte store of the block before it.
    [InlineData("arm64", 0, 0x100, 4096 - 208)]
    [InlineData("arm64", 0, 0x40, 4096 - 16)]
    // Poison in the first 64 bytes: a pre-load faults before anything is stored.
    [InlineData("arm64", 0, 0, 4096)]
    // RISC-V: with source and destination aligned the 8-register block is a line, and the block's first load faults.
    [InlineData("riscv64", 0, 0x100, 4096 - 256)]
    [InlineData("riscv32", 0, 0x100, 4096 - 256)]
    [InlineData("riscv64-upstream", 0, 0x100, 4096 - 256)]
    // RISC-V, source 8 bytes into the page: the blocks [8,72) ... [200,264) straddle lines; the one reaching 0x100
    // faults on its eighth load with the cursor at its start, 56 bytes before the poison.
    [InlineData("riscv64", 8, 0x100, 4088 - 192)]
    public void CopyToUser_PoisonedKernelSource_ReturnsTheArchitecturesBytesNotCopied(string profile, int srcOffset, int poison, long notCopied)
    {
        var bed = new Bed(profile);
        var ubuf = bed.UserBuffer(fill: 0);
        var (folio, kaddr) = bed.KernelPage();
        bed.Poison(folio.Head, poison);
        var n = (ulong)(PhysicalMemory.PageSize - srcOffset);

        var run = bed.InKernel(() => UserCopy.CopyToUser(bed.Machine, ubuf, kaddr + (ulong)srcOffset, n));

        Assert.True(run.Completed, run.DeathMessage);
        Assert.Equal((ulong)notCopied, run.Value);
        var copied = (int)(n - run.Value);
        var expected = bed.Machine.Memory.FrameForRead(folio.Pfn)[srcOffset..(srcOffset + copied)].ToArray();
        Assert.Equal(expected, bed.UserBytes(ubuf, copied));
        Assert.All(bed.Machine.Traps, t => Assert.Equal(TrapOutcome.Fixup, t.Outcome));
    }

    [Theory]
    [InlineData("x86_64", true)]
    [InlineData("x86_64-fragile", true)]
    [InlineData("generic", false)]
    [InlineData("arm64-upstream", false)]
    public void CopyToUser_PoisonedKernelSource_NoFixupKillsTheKernel(string profile, bool panics)
    {
        var bed = new Bed(profile);
        var ubuf = bed.UserBuffer();
        var (folio, kaddr) = bed.KernelPage();
        bed.Poison(folio.Head, 0x100);

        var run = bed.InKernel(() => UserCopy.CopyToUser(bed.Machine, ubuf, kaddr, PhysicalMemory.PageSize));

        Assert.True(run.Died);
        Assert.Equal(panics, run.Panicked);
        Assert.Equal(TrapOutcome.Died, Assert.Single(bed.Machine.Traps).Outcome);
    }

    [Theory]
    [InlineData("arm64", 4096 - 208)]
    [InlineData("riscv64", 4096 - 256)]
    [InlineData("riscv32", 4096 - 256)]
    [InlineData("riscv64-upstream", 4096 - 256)]
    // copy_user_generic's rep movsb, rcx at the poisoned line (X86Options.FastStringProgress, assumed).
    [InlineData("x86_64", 4096 - 256)]
    [InlineData("x86_64-fragile", 4096 - 256)]
    public void CopyFromUser_PoisonedUserSource_ReturnsBytesNotCopiedAndZeroesTheRest(string profile, long notCopied)
    {
        var bed = new Bed(profile);
        var ubuf = bed.UserBuffer(fill: 0x5a);
        bed.Poison(bed.UserPage(ubuf), 0x100);
        var (folio, kaddr) = bed.KernelPage();

        var run = bed.InKernel(() => UserCopy.CopyFromUser(bed.Machine, kaddr, ubuf, PhysicalMemory.PageSize));

        Assert.True(run.Completed, run.DeathMessage);
        Assert.Equal((ulong)notCopied, run.Value);
        var kbuf = bed.Machine.Memory.FrameForRead(folio.Pfn).ToArray();
        var copied = (int)(PhysicalMemory.PageSize - notCopied);
        Assert.All(kbuf[..copied], b => Assert.Equal(0x5a, b));
        Assert.All(kbuf[copied..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void CopyFromUser_Arm64NothingStored_Fixup9997CopiesOneByte()
    {
        // Source 48 bytes into the page, poison in line 1: the pre-load of B (64..79) faults with nothing stored; 9997
        // loads the first source byte alone (line 0, clean) and stores it.
        var bed = new Bed("arm64");
        var ubuf = bed.UserBuffer();
        bed.Poison(bed.UserPage(ubuf), 0x40);
        var (_, kaddr) = bed.KernelPage();

        var run = bed.InKernel(() => UserCopy.CopyFromUser(bed.Machine, kaddr, ubuf + 48, 4048));

        Assert.Equal(4047UL, run.Value);
        Assert.Single(bed.Machine.Traps);
    }

    [Fact]
    public void CopyFromUser_Arm64RetryByteAlsoPoisoned_SecondAbortAndNothingCopied()
    {
        // Poison in line 0: the first pre-load faults with nothing stored, and 9997's single byte is in the same line:
        // a second abort, fixed up to 9998.
        var bed = new Bed("arm64");
        var ubuf = bed.UserBuffer();
        bed.Poison(bed.UserPage(ubuf), 0x20);
        Assert.True(bed.Machine.Memory.IsLinePoisoned(bed.UserPage(ubuf).PhysAddr));
        var (_, kaddr) = bed.KernelPage();

        var run = bed.InKernel(() => UserCopy.CopyFromUser(bed.Machine, kaddr, ubuf, PhysicalMemory.PageSize));

        Assert.Equal(4096UL, run.Value);
        Assert.Equal(["cpy_body_large: ldp1 A (pre-get) (user_ldp)", "9997: ldtrb tmp1w, [srcin]"], bed.Machine.Traps.Select(t => t.Site.Label));
    }

    [Theory]
    [InlineData("generic")]
    [InlineData("arm64-upstream")]
    public void CopyFromUser_PoisonedUserSource_WithoutRecoveryKillsTheTask(string profile)
    {
        var bed = new Bed(profile);
        var ubuf = bed.UserBuffer();
        bed.Poison(bed.UserPage(ubuf), 0x100);
        var (_, kaddr) = bed.KernelPage();

        var run = bed.InKernel(() => UserCopy.CopyFromUser(bed.Machine, kaddr, ubuf, PhysicalMemory.PageSize));

        Assert.True(run.Died);
        Assert.False(run.Panicked);
        Assert.False(bed.Task.IsAlive);
    }

    public static TheoryData<string> Profiles() => new(Bed.AllProfiles);

    [Theory]
    [MemberData(nameof(Profiles))]
    public void AccessOk_RangesOutsideUserSpace_FailWithoutTouchingMemory(string profile)
    {
        var bed = new Bed(profile);
        var (folio, kaddr) = bed.KernelPage();
        var top = bed.Machine.Arch.TaskSize;
        var uaccess = bed.Machine.Arch.Uaccess;

        Assert.True(uaccess.AccessOk(top - 16, 16));
        Assert.False(uaccess.AccessOk(top - 16, 17));
        Assert.False(uaccess.AccessOk(ulong.MaxValue - 4, 10));
        Assert.False(uaccess.AccessOk(kaddr, 1));
        var fromKernel = bed.InKernel(() => UserCopy.CopyFromUser(bed.Machine, kaddr, kaddr + 64, 100));
        var toKernel = bed.InKernel(() => UserCopy.CopyToUser(bed.Machine, kaddr, kaddr + 64, 100));
        var getUser = bed.InKernel(() => (long)UserCopy.GetUser(bed.Machine, kaddr, 8, out _));
        var putUser = bed.InKernel(() => (long)UserCopy.PutUser(bed.Machine, top - 4, 8, 1));

        Assert.Equal((100UL, 100UL, -Errno.EFAULT, -Errno.EFAULT), (fromKernel.Value, toKernel.Value, getUser.Value, putUser.Value));
        Assert.All(bed.Machine.Memory.FrameForRead(folio.Pfn)[..100].ToArray(), b => Assert.Equal(0, b));
        Assert.Empty(bed.Machine.Traps);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void GetUserPutUser_EachSize_RoundTripsLittleEndian(string profile)
    {
        var bed = new Bed(profile);
        var ubuf = bed.UserBuffer(fill: 0);

        foreach (var (size, value) in new[] { (1, 0xabUL), (2, 0xbeefUL), (4, 0xdeadbeefUL), (8, 0x0123456789abcdefUL) })
        {
            var put = bed.InKernel(() => UserCopy.PutUser(bed.Machine, ubuf + 64, size, value));
            var got = 0UL;
            var get = bed.InKernel(() => UserCopy.GetUser(bed.Machine, ubuf + 64, size, out got));

            Assert.Equal((0, 0, value), (put.Value, get.Value, got));
        }

        Assert.Equal([0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01], bed.UserBytes(ubuf + 64, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => bed.Machine.Arch.Uaccess.GetUser(ubuf, 3, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void CopyToUser_UntouchedUserBuffer_IsFaultedInFirst(string profile)
    {
        var bed = new Bed(profile);
        var ubuf = bed.UserBuffer(pages: 2, touch: false);
        var (folio, kaddr) = bed.KernelPage();

        var run = bed.InKernel(() => UserCopy.CopyToUser(bed.Machine, ubuf + 100, kaddr, PhysicalMemory.PageSize));

        Assert.Equal(0UL, run.Value);
        Assert.Equal(bed.Machine.Memory.FrameForRead(folio.Pfn).ToArray(), bed.UserBytes(ubuf + 100, PhysicalMemory.PageSize));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void CopyToUser_RangeRunningPastTheMapping_StopsAtItsEndWithTheFixup(string profile)
    {
        var bed = new Bed(profile);
        var ubuf = bed.UserBuffer();
        var (_, kaddr) = bed.KernelPage();

        // The last 100 bytes of the mapping, then the unmapped guard gap: a page fault the extable fixes up.
        var run = bed.InKernel(() => UserCopy.CopyToUser(bed.Machine, ubuf + PhysicalMemory.PageSize - 100, kaddr, 300));

        Assert.True(run.Completed, run.DeathMessage);
        Assert.InRange(run.Value, 200UL, 300UL);
        Assert.All(bed.Machine.Traps, t => Assert.Equal((TrapKind.PageFault, TrapOutcome.Fixup), (t.Kind, t.Outcome)));
    }
}
