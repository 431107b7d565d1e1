using KernelModel.Mm;

namespace KernelModel.Uaccess.Tests;

/// <summary>
/// The rule of kernel-paths.md section 9: poison in a user page consumed by the kernel (get_user, copy_from_user)
/// makes the syscall fail with -EFAULT (or come back short) and the page goes to memory_failure(pfn, 0) on the way
/// back to user space as the architecture arranges it, but the task gets no signal from the uaccess itself: only from
/// its kill policy (early kill: BUS_MCEERR_AO) or from touching the page again in user mode (BUS_MCEERR_AR).
/// </summary>
public sealed class EfaultWithoutSignalTests
{
    private static (Bed Bed, ulong Word, Page Page) PoisonedWord(string profile)
    {
        var bed = new Bed(profile);
        var ubuf = bed.UserBuffer();
        var page = bed.UserPage(ubuf);
        bed.Poison(page, 0x100);
        return (bed, ubuf + 0x100, page);
    }

    [Theory]
    // x86: MCE_IN_KERNEL_COPYIN, kill_me_never task work: memory_failure(pfn, 0) directly on return.
    [InlineData("x86_64", 0, 1)]
    [InlineData("x86_64-fragile", 0, 1)]
    // arm64: GHES claims the kernel-mode abort; with the v14 gating it queues memory_failure(pfn, 0) instead of
    // running memory_failure_cb(MF_ACTION_REQUIRED) on the caller.
    [InlineData("arm64", 1, 1)]
    // RISC-V: the fixup alone; nothing hands the page to memory_failure.
    [InlineData("riscv64", 0, 0)]
    [InlineData("riscv32", 0, 0)]
    [InlineData("riscv64-upstream", 0, 0)]
    public void GetUser_PoisonedWord_EfaultNoSignalAndTheArchitecturesMemoryFailure(string profile, int queued, int memoryFailures)
    {
        var (bed, word, page) = PoisonedWord(profile);

        var ret = 0UL;
        var run = bed.InKernel(() => UserCopy.GetUser(bed.Machine, word, 4, out ret));
        bed.Machine.ReturnToUser(bed.Task);
        bed.RunQueue();
        bed.Machine.ReturnToUser(bed.Task);

        Assert.Equal((-Errno.EFAULT, 0UL), (run.Value, ret));
        Assert.Equal(queued, bed.Mf.Queue.Queued.Count);
        Assert.Equal(memoryFailures, bed.Mf.Events.Count);
        Assert.All(bed.Mf.Queue.Queued, q => Assert.Equal((page.Pfn, MfFlags.None), (q.Pfn, q.Flags)));
        Assert.All(bed.Mf.Events, e => Assert.Equal(("dirty LRU page", MfResult.Recovered), (e.TypeName, e.Result)));
        Assert.True(bed.Task.IsAlive);
        Assert.Empty(bed.Task.Delivered);
        Assert.Empty(bed.Task.Pending);
    }

    [Theory]
    [InlineData("x86_64")]
    [InlineData("arm64")]
    public void GetUser_ThenTheTaskTouchesThePage_SigbusActionRequiredFromTheFault(string profile)
    {
        var (bed, word, _) = PoisonedWord(profile);
        bed.InKernel(() => UserCopy.GetUser(bed.Machine, word, 4, out _));
        bed.Machine.ReturnToUser(bed.Task);
        bed.RunQueue();

        // memory_failure unmapped the page (a hwpoison entry): the user load faults and the fault handler signals.
        var access = UserAccess.Read(bed.Machine, bed.Task, word - 0x100, new byte[8]);

        Assert.Equal(UserAccessOutcome.Signalled, access.Outcome);
        var sig = Assert.Single(bed.Task.Delivered);
        Assert.Equal((Signals.SIGBUS, Signals.BUS_MCEERR_AR, 12), (sig.Signo, sig.Code, sig.AddrLsb));
    }

    [Fact]
    public void GetUser_EarlyKillPolicy_MemoryFailureSendsActionOptional()
    {
        var (bed, word, _) = PoisonedWord("x86_64");
        bed.Task.Flags |= TaskFlags.MceProcess | TaskFlags.MceEarly;

        bed.InKernel(() => UserCopy.GetUser(bed.Machine, word, 4, out _));
        bed.Machine.ReturnToUser(bed.Task);

        var sig = Assert.Single(bed.Task.Delivered);
        Assert.Equal((Signals.SIGBUS, Signals.BUS_MCEERR_AO), (sig.Signo, sig.Code));
    }

    [Theory]
    [InlineData("x86_64")]
    [InlineData("arm64")]
    [InlineData("riscv64")]
    public void Write_FromAPoisonedBuffer_ShortCountAndNoSignal(string profile)
    {
        var bed = new Bed(profile);
        var ubuf = bed.UserBuffer();
        bed.Poison(bed.UserPage(ubuf), 0x100);
        var file = new OpenFile(bed.Machine.Filemap.CreateFile("/data/log", InodeKind.Regular, 0));

        var ret = bed.Syscall(() => Syscalls.Write(bed.Machine, bed.Task, file, ubuf, PhysicalMemory.PageSize));
        bed.RunQueue();
        bed.Machine.ReturnToUser(bed.Task);

        Assert.Equal(256, ret.Value);
        Assert.Equal(256UL, file.Position);
        Assert.Equal(256UL, file.Inode.Size);
        Assert.Empty(bed.Task.Delivered);
        Assert.True(bed.Task.IsAlive);
    }
}
