using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Uaccess.Tests;

/// <summary>
/// The read paths of kernel-paths.md section 8: filemap_read (plain copy_to_user), shmem (known-poisoned page: bytes
/// before it, then EIO), hugetlbfs (up to the first raw poisoned sub-page, then EIO; seeking past works) and DAX
/// (copy_mc_to_iter: short, EFAULT when nothing was copied, EIO for a known bad block).
/// </summary>
public sealed class ReadPathTests
{
    private static OpenFile RegularFile(Bed bed, int pages, ulong size)
    {
        var inode = bed.Machine.Filemap.CreateFile("/data/file", InodeKind.Regular, size);
        for (var i = 0; i < pages; i++)
        {
            inode.BackingStore[(ulong)i] = Enumerable.Repeat((byte)(i + 1), PhysicalMemory.PageSize).ToArray();
        }

        return new OpenFile(inode);
    }

    [Fact]
    public void FilemapRead_AcrossPagesToEndOfFile_StopsAtIsizeAndAdvancesFpos()
    {
        var bed = new Bed("generic");
        var file = RegularFile(bed, 2, PhysicalMemory.PageSize + 100);
        var ubuf = bed.UserBuffer(pages: 2, fill: 0);

        var first = bed.Syscall(() => Syscalls.Read(bed.Machine, bed.Task, file, ubuf, 3 * PhysicalMemory.PageSize));
        var eof = bed.Syscall(() => Syscalls.Read(bed.Machine, bed.Task, file, ubuf, 10));

        Assert.Equal((PhysicalMemory.PageSize + 100L, 0L), (first.Value, eof.Value));
        Assert.Equal(PhysicalMemory.PageSize + 100UL, file.Position);
        Assert.Equal([1, 2, 2, 0], bed.UserBytes(ubuf + PhysicalMemory.PageSize - 1, 102).Where((_, i) => i is 0 or 1 or 100 or 101));
    }

    [Theory]
    // RISC-V fixes up its uaccess loads: a short read up to the poisoned line, or EFAULT when the read starts on it.
    [InlineData("riscv64", 0, 0x100)]
    [InlineData("riscv64", 0x100, -Errno.EFAULT)]
    [InlineData("arm64", 0, 208)]
    [InlineData("arm64", 0x40, 208 - 0x40)]
    public void FilemapRead_UnknownPoisonInTheCachedPage_ShortReadOrEfault(string profile, long pos, long expected)
    {
        var bed = new Bed(profile);
        var file = RegularFile(bed, 1, PhysicalMemory.PageSize);
        var folio = bed.Machine.Filemap.ReadCacheFolio(file.Inode, 0)!.Value;
        bed.Poison(folio.Head, 0x100);
        var ubuf = bed.UserBuffer();

        var ret = bed.Syscall(() => Syscalls.Pread64(bed.Machine, bed.Task, file, ubuf, PhysicalMemory.PageSize, pos));

        Assert.Equal(expected, ret.Value);
        Assert.Equal(0UL, file.Position);
    }

    [Fact]
    public void ShmemRead_HoleReadsZeroesAndAKnownPoisonedPageEndsTheRead()
    {
        var bed = new Bed("x86_64");
        var inode = bed.Machine.Filemap.CreateFile("/dev/shm/x", InodeKind.Shmem, 3 * PhysicalMemory.PageSize);
        var file = new OpenFile(inode);
        var ubuf = bed.UserBuffer(pages: 3, fill: 0x33);
        // Page 1 exists and is poisoned (memory_failure left it in the cache with PG_hwpoison); pages 0 and 2 are holes.
        var folio = bed.Machine.Allocator.AllocFolio(0)!.Value;
        bed.Machine.Filemap.AddToPageCache(inode, folio, 1);
        folio.Set(PageFlags.Hwpoison);

        var first = bed.Syscall(() => Syscalls.Read(bed.Machine, bed.Task, file, ubuf, 3 * PhysicalMemory.PageSize));
        var second = bed.Syscall(() => Syscalls.Read(bed.Machine, bed.Task, file, ubuf, 3 * PhysicalMemory.PageSize));
        var third = bed.Syscall(() => Syscalls.Pread64(bed.Machine, bed.Task, file, ubuf, 100, 2 * PhysicalMemory.PageSize));

        Assert.Equal((PhysicalMemory.PageSize, -Errno.EIO, 100L), (first.Value, second.Value, third.Value));
        Assert.All(bed.UserBytes(ubuf, PhysicalMemory.PageSize), b => Assert.Equal(0, b));
        Assert.Empty(bed.Machine.Traps);
    }

    private static (Bed Bed, OpenFile File, ulong Buf) PoisonedHugetlbFile(int subpage)
    {
        var bed = new Bed("arm64");
        var target = new TargetPageBuilder(bed.Machine).Build(TargetPageKind.HugetlbFile, subpage: subpage);
        bed.Poison(target.Page, 0);
        new PatrolScrubber(bed.Machine).Run(TimeSpan.FromHours(24));
        return (bed, new OpenFile(target.File!), bed.UserBuffer(pages: 4));
    }

    [Fact]
    public void HugetlbfsRead_SequentialChunks_ReadUpToTheRawPoisonedSubpageThenEio()
    {
        // The selftest's layout: the sub-page at len/2 + 4 KiB; reads of 16 KiB each.
        var (bed, file, buf) = PoisonedHugetlbFile(257);
        var total = 0L;
        long ret;
        var reads = 0;
        while ((ret = bed.Syscall(() => Syscalls.Read(bed.Machine, bed.Task, file, buf, 4 * PhysicalMemory.PageSize)).Value) > 0)
        {
            total += ret;
            reads++;
        }

        Assert.Equal((1L << 20) + PhysicalMemory.PageSize, total);
        Assert.Equal(65, reads);
        Assert.Equal(-Errno.EIO, ret);
        Assert.Empty(bed.Machine.Traps);
    }

    [Fact]
    public void HugetlbfsRead_SeekPastThePoisonedSubpage_ReadsTheRest()
    {
        var (bed, file, buf) = PoisonedHugetlbFile(257);
        var user = bed.Task.Mm!.Mmap(2UL << 20, VmFlags.Read | VmFlags.Write).Start;

        var seek = bed.Syscall(() => Syscalls.Lseek(bed.Machine, bed.Task, file, (1L << 20) + (2 * PhysicalMemory.PageSize), Syscalls.SeekSet));
        var rest = bed.Syscall(() => Syscalls.Read(bed.Machine, bed.Task, file, user, 2UL << 20));
        var eof = bed.Syscall(() => Syscalls.Read(bed.Machine, bed.Task, file, buf, 10));

        Assert.Equal(((1L << 20) + 8192, (1L << 20) - 8192, 0L), (seek.Value, rest.Value, eof.Value));
        Assert.Equal(2UL << 20, file.Position);
    }

    [Theory]
    [InlineData(0UL, 1UL << 20, 4096UL)]
    [InlineData(0x100UL, 5000UL, 4096UL - 0x100)]
    [InlineData(4096UL, 100UL, 0UL)]
    [InlineData(8192UL, 2UL << 20, (2UL << 20) - 8192)]
    public void AdjustRangeHwpoison_CountsTheBytesBeforeTheFirstRawPoisonedSubpage(ulong offset, ulong bytes, ulong expected)
    {
        var bed = new Bed("generic");
        var folio = bed.Machine.Hugetlb.AllocHugetlbFolio(bed.Machine.Hugetlb.SizeToHstate(2UL << 20)!)!.Value;
        folio.PageAt(bed.Machine.Memory, 1).Set(PageFlags.Hwpoison);
        folio.Set(PageFlags.HasHwpoisoned);

        Assert.Equal(expected, HugetlbfsFile.AdjustRangeHwpoison(bed.Machine, folio, offset, bytes));
    }

    private static (Bed Bed, OpenFile File, PmemDevice Pmem, ulong Buf) DaxFile(string profile)
    {
        var bed = new Bed(profile);
        var pmem = new PmemDevice(bed.Machine, "pmem0", order: 2);
        bed.Machine.Memory.Write(pmem.PhysAddr, Enumerable.Repeat((byte)0x77, 2 * PhysicalMemory.PageSize).ToArray());
        var file = new OpenFile(pmem.CreateFile("/mnt/pmem/f", 0, 2 * PhysicalMemory.PageSize));
        return (bed, file, pmem, bed.UserBuffer(pages: 2, fill: 0));
    }

    [Fact]
    public void DaxRead_KnownBadBlockAnywhereInTheRest_EioEvenWhenThePageAtPosIsGood()
    {
        var (bed, file, pmem, buf) = DaxFile("x86_64");
        pmem.Badblocks.Set(9, 1);

        var whole = bed.Syscall(() => Syscalls.Pread64(bed.Machine, bed.Task, file, buf, 2 * PhysicalMemory.PageSize, 0));
        var firstPage = bed.Syscall(() => Syscalls.Pread64(bed.Machine, bed.Task, file, buf, PhysicalMemory.PageSize, 0));

        Assert.Equal((-Errno.EIO, PhysicalMemory.PageSize), (whole.Value, firstPage.Value));
        Assert.All(bed.UserBytes(buf, PhysicalMemory.PageSize), b => Assert.Equal(0x77, b));
        Assert.Empty(bed.Machine.Traps);
    }

    [Fact]
    public void DaxRead_AddressRangeScrub_PutsThePoisonedLinesSectorIntoBadblocks()
    {
        var (bed, _, pmem, _) = DaxFile("arm64");
        bed.Machine.Memory.InjectPoison(pmem.PhysAddr + 0x1220);

        Assert.Equal(1, pmem.AddressRangeScrub());
        Assert.Equal([9UL], pmem.Badblocks.Sectors);
        Assert.Equal(-Errno.EHWPOISON, pmem.DirectAccess(1, 1, out _));
        Assert.Equal(1, pmem.DirectAccess(0, 1, out var kaddr));
        Assert.Equal(pmem.VirtAddr, kaddr);
    }

    [Theory]
    // Into a kernel buffer (kernel_read): copy_mc_to_kernel. RISC-V's memcpy_mc reports the whole 8 KiB bulk phase
    // as not copied, so nothing was read: -EFAULT, where arm64 and x86 read up to (near) the poisoned line.
    [InlineData("riscv64", -Errno.EFAULT)]
    [InlineData("arm64", 4304)]
    [InlineData("x86_64", 4352)]
    [InlineData("x86_64-fragile", 4352)]
    public void DaxKernelRead_CoarseCountShowsAsAShorterRead(string profile, long expected)
    {
        var (bed, file, pmem, _) = DaxFile(profile);
        bed.Machine.Memory.InjectPoison(pmem.PhysAddr + PhysicalMemory.PageSize + 0x100);
        var kbuf = bed.KernelPage(order: 1).Address;
        var pos = 0UL;

        var run = bed.InKernel(() => Vfs.KernelRead(bed.Machine, file, kbuf, 2 * PhysicalMemory.PageSize, ref pos));

        Assert.Equal(expected, run.Value);
        Assert.Equal(expected > 0 ? (ulong)expected : 0UL, pos);
    }

    [Fact]
    public void DaxRead_PastEndOfFile_ReadsNothing()
    {
        var (bed, file, _, buf) = DaxFile("riscv64");

        Assert.Equal(0, bed.Syscall(() => Syscalls.Pread64(bed.Machine, bed.Task, file, buf, 100, 2 * PhysicalMemory.PageSize)).Value);
    }

    [Fact]
    public void PmemDevice_CreateFile_ExtentMustFitPageAligned()
    {
        var (bed, _, pmem, _) = DaxFile("riscv64");

        Assert.Throws<ArgumentException>(() => pmem.CreateFile("/mnt/pmem/g", 100, 10));
        Assert.Throws<ArgumentException>(() => pmem.CreateFile("/mnt/pmem/g", 0, pmem.Size + 1));
        Assert.Equal(InodeKind.Dax, pmem.CreateFile("/mnt/pmem/g", PhysicalMemory.PageSize, 10).Kind);
        Assert.NotNull(bed);
    }
}
