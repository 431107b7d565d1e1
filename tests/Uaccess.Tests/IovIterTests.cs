using KernelModel.Mm;

namespace KernelModel.Uaccess.Tests;

/// <summary>
/// lib/iov_iter.c: the copies advance by and return the bytes the architecture's routine actually copied, so the
/// precision of its "bytes not copied" becomes the length of the transfer (arch-copy-mc.md 5.4: RISC-V's memcpy_mc
/// returns the phase's whole residual; arm64's end - dst and x86's are exact).
/// </summary>
public sealed class IovIterTests
{
    [Theory]
    // Kernel destination: copy_mc_to_kernel. RISC-V's memcpy_mc returns a2 = the bulk phase's residual: a page
    // copy reports everything "not copied".
    [InlineData("riscv64", false, 0)]
    [InlineData("riscv32", false, 0)]
    [InlineData("arm64", false, 208)]
    [InlineData("x86_64", false, 256)]
    [InlineData("x86_64-fragile", false, 256)]
    // User destination: copy_mc_to_user. On RISC-V that is __asm_copy_to_user, exact to the block.
    [InlineData("riscv64", true, 256)]
    [InlineData("arm64", true, 208)]
    [InlineData("x86_64", true, 256)]
    // Without ARCH_HAS_COPY_MC _copy_mc_to_iter is _copy_to_iter; RISC-V's copy_to_user still has its entries.
    [InlineData("riscv64-upstream", true, 256)]
    public void CopyMcToIter_PoisonAt0x100_AdvancesByTheBytesActuallyCopied(string profile, bool user, long copied)
    {
        var bed = new Bed(profile);
        var (src, kaddr) = bed.KernelPage();
        bed.Poison(src.Head, 0x100);
        var dst = user ? bed.UserBuffer() : bed.KernelPage().Address;
        var iter = user ? IovIter.Ubuf(false, dst, PhysicalMemory.PageSize) : IovIter.Kvec(false, dst, PhysicalMemory.PageSize);

        var run = bed.InKernel(() => iter.CopyMcToIter(bed.Machine, kaddr, PhysicalMemory.PageSize));

        Assert.True(run.Completed, run.DeathMessage);
        Assert.Equal((ulong)copied, run.Value);
        Assert.Equal(((ulong)copied, PhysicalMemory.PageSize - (ulong)copied), (iter.IovOffset, iter.Count));
    }

    [Theory]
    [InlineData("generic")]
    [InlineData("arm64-upstream")]
    [InlineData("riscv64-upstream")]
    public void CopyMcToIter_KernelDestinationWithoutCopyMc_IsMemcpyAndFatal(string profile)
    {
        var bed = new Bed(profile);
        var (src, kaddr) = bed.KernelPage();
        bed.Poison(src.Head, 0x100);
        var iter = IovIter.Kvec(false, bed.KernelPage().Address, PhysicalMemory.PageSize);

        Assert.True(bed.InKernel(() => iter.CopyMcToIter(bed.Machine, kaddr, PhysicalMemory.PageSize)).Died);
    }

    [Fact]
    public void CopyPageToIter_ShortCopyThatMadeProgress_TriesAgainFromThere()
    {
        var bed = new Bed("arm64");
        var (src, _) = bed.KernelPage();
        bed.Poison(src.Head, 0x100);
        var iter = IovIter.Ubuf(false, bed.UserBuffer(), PhysicalMemory.PageSize);

        var run = bed.InKernel(() => iter.CopyPageToIter(bed.Machine, src.Head, 0, PhysicalMemory.PageSize));

        // 208 bytes, then a copy from 208 whose pre-load reaches the poisoned block: 0, and the loop stops.
        Assert.Equal(208UL, run.Value);
        Assert.Equal(2, bed.Machine.Traps.Count);
    }

    [Fact]
    public void CopyToIter_DataSource_CopiesNothing()
    {
        var bed = new Bed("x86_64");
        var iter = IovIter.Ubuf(true, bed.UserBuffer(), 100);

        Assert.Equal(0UL, bed.InKernel(() => iter.CopyToIter(bed.Machine, bed.KernelPage().Address, 100)).Value);
        Assert.Equal(100UL, iter.Count);
    }

    [Fact]
    public void CopyFolioFromIterAtomic_PageNotPresent_CopiesNothingWhileTheFaultingCopyFaultsItIn()
    {
        var bed = new Bed("riscv64");
        var ubuf = bed.UserBuffer(touch: false);
        var (folio, kaddr) = bed.KernelPage();
        var atomic = IovIter.Ubuf(true, ubuf, PhysicalMemory.PageSize);
        var faulting = IovIter.Ubuf(true, ubuf, PhysicalMemory.PageSize);

        var none = bed.InKernel(() => atomic.CopyFolioFromIterAtomic(bed.Machine, folio, 0, PhysicalMemory.PageSize));
        var all = bed.InKernel(() => faulting.CopyFromIter(bed.Machine, kaddr, PhysicalMemory.PageSize));

        Assert.Equal((0UL, (ulong)PhysicalMemory.PageSize), (none.Value, all.Value));
        Assert.All(bed.Machine.Memory.FrameForRead(folio.Pfn).ToArray(), b => Assert.Equal(0, b));
    }

    [Theory]
    // One byte per page is read: the start, then each following page's first byte. A poisoned byte read ends it.
    [InlineData(0x100, 0x100, 3 * PhysicalMemory.PageSize)]
    // Poison the bytes read never touch: everything is faulted in.
    [InlineData(0, 0x100, 0)]
    // The second byte read (page 1's first) is poisoned: the bytes from there on were not faulted in.
    [InlineData(0x10, 0x1000, (3 * PhysicalMemory.PageSize) - (PhysicalMemory.PageSize - 0x10))]
    public void FaultInIovIterReadable_ReturnsTheBytesNotFaultedIn(int start, int poison, long notFaultedIn)
    {
        var bed = new Bed("x86_64");
        var ubuf = bed.UserBuffer(pages: 4);
        bed.Poison(bed.UserPage(ubuf + ((ulong)poison & ~0xfffUL)), poison & 0xfff);
        var iter = IovIter.Ubuf(true, ubuf + (ulong)start, 3 * PhysicalMemory.PageSize);

        var run = bed.InKernel(() => iter.FaultInIovIterReadable(bed.Machine, 3 * PhysicalMemory.PageSize));

        Assert.Equal((ulong)notFaultedIn, run.Value);
    }

    [Fact]
    public void FaultInIovIterReadable_KernelIterator_NothingToDo()
    {
        var bed = new Bed("arm64");

        Assert.Equal(0UL, IovIter.Kvec(true, bed.KernelPage().Address, 100).FaultInIovIterReadable(bed.Machine, 100));
    }

    [Fact]
    public void AdvanceRevertTruncate_KeepOffsetAndCountInStep()
    {
        var iter = IovIter.Ubuf(false, 0x1000, 100);

        iter.Advance(30);
        iter.Revert(10);
        iter.Truncate(50);
        iter.Advance(500);

        Assert.Equal((70UL, 0UL, 0x1046UL), (iter.IovOffset, iter.Count, iter.Current));
        Assert.Equal("ITER_UBUF dest 1046 count 0", iter.ToString());
    }
}
