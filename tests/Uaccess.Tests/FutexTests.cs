using KernelModel.Mm;

namespace KernelModel.Uaccess.Tests;

/// <summary>
/// futex: FUTEX_WAIT's two reads of the word (futex_get_value_locked, then get_user), and the architectures' futex
/// atomics, a path of their own (arch/*/include/asm/futex.h).
/// </summary>
public sealed class FutexTests
{
    private const int Wait = FutexCmd.FUTEX_WAIT | FutexCmd.FUTEX_PRIVATE_FLAG;

    [Fact]
    public void FutexWait_WordEqual_SleepsTheTimeoutAndTimesOut()
    {
        var bed = new Bed("riscv64");
        var ubuf = bed.UserBuffer(fill: 0);
        UserAccess.Write(bed.Machine, bed.Task, ubuf, [7, 0, 0, 0]);
        var before = bed.Machine.Clock.Nanoseconds;

        var ret = bed.Syscall(() => Syscalls.Futex(bed.Machine, bed.Task, ubuf, Wait, 7, TimeSpan.FromMilliseconds(5)));

        Assert.Equal(-Errno.ETIMEDOUT, ret.Value);
        Assert.Equal(5_000_000, bed.Machine.Clock.Nanoseconds - before);
    }

    [Theory]
    [InlineData(6, 0x100UL, -Errno.EAGAIN)]
    [InlineData(7, 0x102UL, -Errno.EINVAL)]
    public void FutexWait_WordDiffersOrMisaligned_ReturnsAtOnce(uint val, ulong offset, long expected)
    {
        var bed = new Bed("x86_64");
        var ubuf = bed.UserBuffer(fill: 0);
        UserAccess.Write(bed.Machine, bed.Task, ubuf + 0x100, [7, 0, 0, 0]);

        Assert.Equal(expected, bed.Syscall(() => Syscalls.Futex(bed.Machine, bed.Task, ubuf + offset, Wait, val)).Value);
    }

    [Fact]
    public void FutexWait_WordNotPresent_GetUserFaultsItInAndTheRetryReadsIt()
    {
        var bed = new Bed("arm64");
        var ubuf = bed.UserBuffer(touch: false);

        // A never-touched anonymous page reads as zero once faulted in.
        var ret = bed.Syscall(() => Syscalls.Futex(bed.Machine, bed.Task, ubuf, Wait, 1));

        Assert.Equal(-Errno.EAGAIN, ret.Value);
        Assert.Single(bed.Machine.Traps, t => t.Kind == TrapKind.PageFault);
    }

    [Fact]
    public void FutexWait_KernelAddress_Efault()
    {
        var bed = new Bed("generic");
        var (_, kaddr) = bed.KernelPage();

        Assert.Equal(-Errno.EFAULT, bed.Syscall(() => Syscalls.Futex(bed.Machine, bed.Task, kaddr, Wait, 0)).Value);
    }

    [Theory]
    [InlineData("x86_64", "__get_user_asm", "__get_user_4")]
    [InlineData("arm64", "__get_mem_asm", "__get_mem_asm")]
    [InlineData("riscv64", "__get_user_asm", "__get_user_asm")]
    public void FutexWait_PoisonedWord_BothReadsConsumeItAndFutexReturnsEfault(string profile, string locked, string getUser)
    {
        var bed = new Bed(profile);
        var ubuf = bed.UserBuffer();
        bed.Poison(bed.UserPage(ubuf), 0x100);

        var ret = bed.Syscall(() => Syscalls.Futex(bed.Machine, bed.Task, ubuf + 0x100, Wait, 0));

        Assert.Equal(-Errno.EFAULT, ret.Value);
        Assert.Equal([locked, getUser], bed.Machine.Traps.Select(t => t.Site.Routine));
        Assert.All(bed.Machine.Traps, t => Assert.Equal((TrapKind.HardwareError, TrapOutcome.Fixup), (t.Kind, t.Outcome)));
    }

    [Fact]
    public void FutexWake_ReadsNothingAndWakesNobody()
    {
        var bed = new Bed("x86_64");
        var ubuf = bed.UserBuffer();
        bed.Poison(bed.UserPage(ubuf), 0);

        Assert.Equal(0, bed.Syscall(() => Syscalls.Futex(bed.Machine, bed.Task, ubuf, FutexCmd.FUTEX_WAKE, 1)).Value);
        Assert.Empty(bed.Machine.Traps);
    }

    [Fact]
    public void Futex_UnmodelledOp_IsRejectedByName()
    {
        var bed = new Bed("x86_64");
        var ubuf = bed.UserBuffer();

        var error = Assert.Throws<ArgumentException>(() => Futex.DoFutex(bed.Machine, ubuf, 5, 0, null));
        Assert.Contains("futex op 5: not modelled", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    // xchgl and lock xaddl are not opcodes is_copy_from_user decodes: IN_KERNEL, panic.
    [InlineData("x86_64", FutexOp.Set, "panic")]
    [InlineData("x86_64", FutexOp.Add, "panic")]
    // OR/ANDN/XOR first read the word with a plain movl (EX_TYPE_EFAULT_REG): recoverable like __get_user.
    [InlineData("x86_64", FutexOp.Or, "efault")]
    [InlineData("arm64", FutexOp.Add, "efault")]
    [InlineData("riscv64", FutexOp.Add, "efault")]
    [InlineData("riscv32", FutexOp.Xor, "efault")]
    [InlineData("arm64-upstream", FutexOp.Add, "oops")]
    // asm-generic/futex.h on SMP has no atomics: -ENOSYS, the word is not read.
    [InlineData("generic", FutexOp.Add, "enosys")]
    public void ArchFutexAtomicOpInuser_PoisonedWord_IsTheArchitecturesOwnPath(string profile, FutexOp op, string outcome)
    {
        var bed = new Bed(profile);
        var ubuf = bed.UserBuffer();
        bed.Poison(bed.UserPage(ubuf), 0x100);

        var run = bed.InKernel(() => bed.Machine.Arch.Uaccess.ArchFutexAtomicOpInuser(op, 1, ubuf + 0x100, out _));

        var got = run.Panicked ? "panic" : run.Died ? "oops" : run.Value == -Errno.EFAULT ? "efault" : run.Value == -Errno.ENOSYS ? "enosys" : run.Value.ToString();
        Assert.Equal(outcome, got);
    }

    [Theory]
    [InlineData("x86_64")]
    [InlineData("arm64")]
    [InlineData("riscv64")]
    [InlineData("riscv32")]
    public void FutexAtomics_CleanWord_ComputeAndReturnTheOldValue(string profile)
    {
        var bed = new Bed(profile);
        var ubuf = bed.UserBuffer(fill: 0);
        var uaccess = bed.Machine.Arch.Uaccess;
        UserAccess.Write(bed.Machine, bed.Task, ubuf, [0x0c, 0, 0, 0]);

        var results = new List<(int Ret, int Old)>();
        foreach (var (op, arg) in new[] { (FutexOp.Add, 3), (FutexOp.Or, 0x30), (FutexOp.Andn, 0x0f), (FutexOp.Xor, 0xff), (FutexOp.Set, 9) })
        {
            var old = 0;
            var run = bed.InKernel(() => uaccess.ArchFutexAtomicOpInuser(op, arg, ubuf, out old));
            results.Add((run.Value, old));
        }

        var found = 0U;
        var cmpxchg = bed.InKernel(() => uaccess.FutexAtomicCmpxchgInatomic(ubuf, 9, 42, out found));

        Assert.Equal([(0, 0x0c), (0, 0x0f), (0, 0x3f), (0, 0x30), (0, 0xcf)], results);
        Assert.Equal((0, 9U), (cmpxchg.Value, found));
        Assert.Equal([42, 0, 0, 0], bed.UserBytes(ubuf, 4));
        Assert.Equal(-Errno.ENOSYS, bed.InKernel(() => uaccess.ArchFutexAtomicOpInuser((FutexOp)7, 0, ubuf, out _)).Value);
    }
}
