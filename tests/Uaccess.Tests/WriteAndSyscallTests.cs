using KernelModel.Mm;

namespace KernelModel.Uaccess.Tests;

/// <summary>generic_perform_write and the syscall entry points: argument checks, positions, return to user mode.</summary>
public sealed class WriteAndSyscallTests
{
    private static OpenFile File(Bed bed, InodeKind kind) => new(bed.Machine.Filemap.CreateFile("/f", kind, 0));

    [Theory]
    [InlineData(InodeKind.Regular)]
    [InlineData(InodeKind.Shmem)]
    public void Write_ThenPread_TheDataIsInTheDirtyPageCache(InodeKind kind)
    {
        var bed = new Bed("riscv64");
        var file = File(bed, kind);
        var ubuf = bed.UserBuffer(pages: 2, fill: 0x42);

        var written = bed.Syscall(() => Syscalls.Write(bed.Machine, bed.Task, file, ubuf + 10, 5000));
        var back = bed.UserBuffer(pages: 2, fill: 0);
        var read = bed.Syscall(() => Syscalls.Pread64(bed.Machine, bed.Task, file, back, 8192, 0));

        Assert.Equal((5000L, 5000L, 5000UL, 5000UL), (written.Value, read.Value, file.Position, file.Inode.Size));
        Assert.All(bed.UserBytes(back, 5000), b => Assert.Equal(0x42, b));
        Assert.All(file.Inode.Mapping.Pages.Values, f => Assert.True(f.Test(PageFlags.Dirty)));
    }

    [Fact]
    public void Write_FromAnUntouchedBuffer_TheAtomicCopyFailsFaultInFaultsItAndTheRetryCopies()
    {
        var bed = new Bed("arm64");
        var file = File(bed, InodeKind.Regular);
        var ubuf = bed.UserBuffer(touch: false);

        var ret = bed.Syscall(() => Syscalls.Write(bed.Machine, bed.Task, file, ubuf, PhysicalMemory.PageSize));

        Assert.Equal(PhysicalMemory.PageSize, ret.Value);
        Assert.Contains(bed.Machine.Traps, t => t.Kind == TrapKind.PageFault && t.Site.Routine == CopyFromUserRoutine);
    }

    private const string CopyFromUserRoutine = "__arch_copy_from_user";

    [Fact]
    public void Write_RiscVBlockStraddlingThePoisonedLine_NoProgressUntilTheTaskIsKilled()
    {
        // Source 8 bytes into the page: the 8-register block [200, 264) reaches the poisoned line at 256 and faults with
        // the cursor at its start; fault_in_readable reads the clean byte at 200, so the copy of nothing repeats.
        var bed = new Bed("riscv64");
        bed.Machine.Tracer.Enabled = true;
        var file = File(bed, InodeKind.Regular);
        var ubuf = bed.UserBuffer();
        bed.Poison(bed.UserPage(ubuf), 0x100);

        var ret = bed.Syscall(() => Syscalls.Write(bed.Machine, bed.Task, file, ubuf + 8, PhysicalMemory.PageSize - 8));

        Assert.Equal(192, ret.Value);
        Assert.False(bed.Task.IsAlive);
        Assert.Equal(Signals.SIGKILL, bed.Task.ExitSignal);
        Assert.Contains(bed.Machine.Tracer.Lines, l => l.Contains("no forward progress at pos 192", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_X86RepMovsbStopsAtTheLine_ShortWriteWithoutAStall()
    {
        var bed = new Bed("x86_64");
        var file = File(bed, InodeKind.Regular);
        var ubuf = bed.UserBuffer();
        bed.Poison(bed.UserPage(ubuf), 0x100);

        var ret = bed.Syscall(() => Syscalls.Write(bed.Machine, bed.Task, file, ubuf + 8, PhysicalMemory.PageSize - 8));

        Assert.Equal(248, ret.Value);
        Assert.True(bed.Task.IsAlive);
    }

    [Fact]
    public void Write_HugetlbfsHasNoWriteMethod_DaxWriteIsNotModelled()
    {
        var bed = new Bed("x86_64");
        var ubuf = bed.UserBuffer();
        var pmem = new PmemDevice(bed.Machine, "pmem0", 1);

        Assert.Equal(-Errno.EINVAL, bed.Syscall(() => Syscalls.Write(bed.Machine, bed.Task, File(bed, InodeKind.Hugetlbfs), ubuf, 10)).Value);
        var error = Assert.Throws<ArgumentException>(() => Syscalls.Write(bed.Machine, bed.Task, new OpenFile(pmem.CreateFile("/d", 0, 10)), ubuf, 10));
        Assert.Contains("DAX file is not modelled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadWrite_BadArguments_EfaultOrEinvalBeforeTheFile()
    {
        var bed = new Bed("arm64");
        var file = File(bed, InodeKind.Regular);
        var (_, kaddr) = bed.KernelPage();
        var ubuf = bed.UserBuffer();

        Assert.Equal(-Errno.EFAULT, bed.Syscall(() => Syscalls.Read(bed.Machine, bed.Task, file, kaddr, 10)).Value);
        Assert.Equal(-Errno.EFAULT, bed.Syscall(() => Syscalls.Write(bed.Machine, bed.Task, file, kaddr, 10)).Value);
        Assert.Equal(-Errno.EINVAL, bed.Syscall(() => Syscalls.Pread64(bed.Machine, bed.Task, file, ubuf, 10, -1)).Value);
        Assert.Equal(-Errno.EINVAL, bed.Syscall(() => Syscalls.Pwrite64(bed.Machine, bed.Task, file, ubuf, 10, -1)).Value);
        Assert.Empty(bed.Machine.Traps);
    }

    [Fact]
    public void Lseek_SetCurEnd_AndInvalidWhenceOrNegative()
    {
        var bed = new Bed("generic");
        var file = File(bed, InodeKind.Shmem);
        file.Inode.Size = 1000;

        long Seek(long offset, int whence) => bed.Syscall(() => Syscalls.Lseek(bed.Machine, bed.Task, file, offset, whence)).Value;

        Assert.Equal(
            [100L, 150L, 990L, -Errno.EINVAL, -Errno.EINVAL],
            [Seek(100, Syscalls.SeekSet), Seek(50, Syscalls.SeekCur), Seek(-10, Syscalls.SeekEnd), Seek(-1, Syscalls.SeekSet), Seek(0, 3)]);
        Assert.Equal(990UL, file.Position);
    }

    [Fact]
    public void Pwrite64_ThenFsync_WritesBackAndReportsNoError()
    {
        var bed = new Bed("x86_64");
        var file = File(bed, InodeKind.Regular);
        var ubuf = bed.UserBuffer(fill: 9);

        var written = bed.Syscall(() => Syscalls.Pwrite64(bed.Machine, bed.Task, file, ubuf, 100, 4096));
        var fsync = bed.Syscall(() => Syscalls.Fsync(bed.Machine, bed.Task, file));

        Assert.Equal((100L, 0L, 0UL), (written.Value, fsync.Value, file.Position));
        Assert.Equal(9, file.Inode.BackingStore[1][99]);
        Assert.DoesNotContain(file.Inode.Mapping.Pages.Values, f => f.Test(PageFlags.Dirty));
    }

    [Fact]
    public void Syscall_ReturnsToUserMode_TaskWorkRunsBeforeTheCallerSeesTheResult()
    {
        var bed = new Bed("x86_64");
        var word = bed.UserBuffer() + 0x100;
        bed.Poison(bed.UserPage(word), 0x100);

        bed.Syscall(() => Syscalls.Futex(bed.Machine, bed.Task, word, FutexCmd.FUTEX_WAIT, 0));

        Assert.Empty(bed.Task.TaskWork);
        Assert.Equal("dirty LRU page", Assert.Single(bed.Mf.Events).TypeName);
    }
}
