using KernelModel.Mm;
using KernelModel.Uaccess;
using Moq;

namespace KernelModel.Arch.X86.Tests;

/// <summary>
/// The kernel reading a poisoned user page (MCE_IN_KERNEL_COPYIN): copy_from_user and the futex get_user are
/// fixed up and queue kill_me_never (memory_failure(pfn, 0), no signal); the futex cmpxchg is not decodable and
/// panics; the older eras panic (none) or send SIGBUS BUS_MCEERR_AR (v5.12).
/// </summary>
public sealed class CopyinRecoveryTests
{
    private const int PoisonOffset = 128;
    private readonly Mock<IMemoryFailure> _memoryFailure = new();

    private sealed record Setup(Machine Machine, TaskStruct Task, ulong Uaddr, Folio Frame, ulong Kbuf, Folio KbufFrame);

    private Setup Boot(X86Options? options = null, int pages = 1)
    {
        _memoryFailure.Setup(x => x.MemoryFailure(It.IsAny<ulong>(), It.IsAny<MfFlags>())).Returns(0);
        var m = X86Machines.Boot(options, _memoryFailure.Object);
        var (task, uaddr, frame) = X86Machines.UserPages(m, pages);
        for (var i = 0; i < pages; i++)
        {
            m.Memory.InjectPoison(frame.Head.PhysAddr + ((ulong)i * PhysicalMemory.PageSize) + PoisonOffset);
        }

        var kbuf = m.Allocator.AllocFolio(0)!.Value;
        m.Memory.FrameForWrite(kbuf.Pfn).Fill(0xee);
        return new Setup(m, task, uaddr, frame, m.PageAddress(kbuf.Head), kbuf);
    }

    private static KernelRun<T> InKernel<T>(Setup s, Func<X86Uaccess, T> path)
    {
        using (s.Machine.CurrentCpu.Enter(s.Task, CpuMode.Kernel))
        {
            return s.Machine.Run(() => path(s.Machine.X86().Uaccess));
        }
    }

    [Fact]
    public void CopyFromUser_PoisonedUserPage_ReturnsTheRemainderZeroesTheRestAndQueuesKillMeNever()
    {
        var s = Boot();

        var run = InKernel(s, u => UserCopy.CopyFromUser(s.Machine, s.Kbuf, s.Uaddr, PhysicalMemory.PageSize));

        Assert.Equal(4096UL - PoisonOffset, run.Value);
        var kbuf = s.Machine.Memory.FrameForRead(s.KbufFrame.Pfn);
        Assert.True(kbuf[..PoisonOffset].SequenceEqual(s.Machine.Memory.FrameForRead(s.Frame.Pfn)[..PoisonOffset]));
        Assert.All(kbuf[PoisonOffset..].ToArray(), b => Assert.Equal(0, b));
        Assert.Equal(["kill_me_never"], s.Task.TaskWork.Select(w => w.Name));
        Assert.Equal("extable EX_TYPE_UACCESS -> 2: return rcx; task work kill_me_never", Assert.Single(s.Machine.Traps).Detail);
        _memoryFailure.VerifyNoOtherCalls();
    }

    [Fact]
    public void KillMeNever_OnReturnToUser_CallsMemoryFailureWithNoFlagsAndSendsNoSignal()
    {
        var s = Boot();
        InKernel(s, u => UserCopy.CopyFromUser(s.Machine, s.Kbuf, s.Uaddr, PhysicalMemory.PageSize));

        s.Machine.ReturnToUser(s.Task);

        _memoryFailure.Verify(x => x.MemoryFailure(s.Frame.Pfn, MfFlags.None), Times.Once);
        _memoryFailure.VerifyNoOtherCalls();
        Assert.Equal(
            ["mce: [Hardware Error]: Machine check events logged", $"mce: Kernel accessed poison in user space at {s.Frame.Head.PhysAddr + PoisonOffset:x}"],
            s.Machine.Console());
        Assert.True(s.Task.IsAlive);
        Assert.Empty(s.Task.Delivered);
        Assert.Empty(s.Task.Pending);
    }

    [Fact]
    public void CopyFromUser_SigbusArEra_SendsBusMceerrArAtTheUserAddressAfterMemoryFailure()
    {
        var s = Boot(new X86Options { CopyinRecovery = CopyinRecovery.SigbusAr });
        InKernel(s, u => UserCopy.CopyFromUser(s.Machine, s.Kbuf, s.Uaddr, PhysicalMemory.PageSize));
        Assert.Equal(["kill_me_maybe"], s.Task.TaskWork.Select(w => w.Name));

        s.Machine.ReturnToUser(s.Task);

        _memoryFailure.Verify(x => x.MemoryFailure(s.Frame.Pfn, MfFlags.ActionRequired), Times.Once);
        Assert.Equal($"mce: Uncorrected hardware memory error in user-access at {s.Frame.Head.PhysAddr + PoisonOffset:x}", s.Machine.Console()[^1]);
        Assert.Equal(new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, s.Uaddr + PoisonOffset, PhysicalMemory.PageShift), Assert.Single(s.Task.Delivered));
        Assert.Equal(TaskExitState.Killed, s.Task.ExitState);
    }

    [Fact]
    public void CopyFromUser_BeforeCopyinRecovery_PanicsDataLoadInUnrecoverableArea()
    {
        var s = Boot(new X86Options { CopyinRecovery = CopyinRecovery.None });

        var run = InKernel(s, u => UserCopy.CopyFromUser(s.Machine, s.Kbuf, s.Uaddr, PhysicalMemory.PageSize));

        Assert.Equal("Fatal machine check", run.DeathMessage);
        Assert.Contains("mce: [Hardware Error]: Machine check: Data load in unrecoverable area of kernel", s.Machine.Console());
    }

    [Fact]
    public void FutexGetValueLocked_PoisonedWord_ReturnsEfaultAndQueuesKillMeNever()
    {
        var s = Boot();
        uint value = 1;

        var run = InKernel(s, u => Futex.GetValueLocked(s.Machine, out value, s.Uaddr + PoisonOffset));

        Assert.Equal(-Errno.EFAULT, run.Value);
        Assert.Equal(0u, value);
        Assert.Equal(["kill_me_never"], s.Task.TaskWork.Select(w => w.Name));
        Assert.Equal("extable EX_TYPE_EFAULT_REG|EX_FLAG_CLEAR_AX -> 2: err = -EFAULT, output = 0; task work kill_me_never", Assert.Single(s.Machine.Traps).Detail);
    }

    [Fact]
    public void FutexGetValueLocked_CleanWord_ReadsIt()
    {
        var s = Boot();
        uint value = 0;

        var run = InKernel(s, u => Futex.GetValueLocked(s.Machine, out value, s.Uaddr + 8));

        Assert.Equal(0, run.Value);
        Assert.Equal(BitConverter.ToUInt32(s.Machine.Memory.FrameForRead(s.Frame.Pfn)[8..12]), value);
    }

    [Fact]
    public void FutexGetValueLocked_WithoutTheEfaultRegFix_Panics()
    {
        var s = Boot(new X86Options { EfaultRegCopyin = false });

        var run = InKernel(s, u => Futex.GetValueLocked(s.Machine, out _, s.Uaddr + PoisonOffset));

        Assert.True(run.Panicked);
        Assert.Contains("mce: [Hardware Error]: Machine check: Data load in unrecoverable area of kernel", s.Machine.Console());
    }

    [Fact]
    public void FutexAtomicCmpxchgInatomic_PoisonedWord_PanicsBecauseLockCmpxchgIsNotDecoded()
    {
        var s = Boot();

        var run = InKernel(s, u => u.FutexAtomicCmpxchgInatomic(s.Uaddr + PoisonOffset, 0, 1, out _));

        Assert.Equal("Fatal machine check", run.DeathMessage);
        Assert.Contains("mce: [Hardware Error]: Machine check: Data load in unrecoverable area of kernel", s.Machine.Console());
    }

    [Fact]
    public void FutexAtomicCmpxchgInatomic_CleanWord_ExchangesWhenEqual()
    {
        var s = Boot();
        var old = BitConverter.ToUInt32(s.Machine.Memory.FrameForRead(s.Frame.Pfn)[16..20]);
        uint found = 0;

        var run = InKernel(s, u => u.FutexAtomicCmpxchgInatomic(s.Uaddr + 16, old, 0xdeadbeef, out found));

        Assert.Equal(0, run.Value);
        Assert.Equal(old, found);
        Assert.Equal(0xdeadbeefu, BitConverter.ToUInt32(s.Machine.Memory.FrameForRead(s.Frame.Pfn)[16..20]));
    }

    [Fact]
    public void QueueTaskWork_ElevenMachineChecksBeforeReturningToUser_Panics()
    {
        var s = Boot();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(4096UL - PoisonOffset, InKernel(s, u => UserCopy.CopyFromUser(s.Machine, s.Kbuf, s.Uaddr, PhysicalMemory.PageSize)).Value);
        }

        var run = InKernel(s, u => UserCopy.CopyFromUser(s.Machine, s.Kbuf, s.Uaddr, PhysicalMemory.PageSize));

        Assert.Equal("Too many consecutive machine checks while accessing user data", run.DeathMessage);
        Assert.Equal("mce: [Hardware Error]: Machine check: Action required: data load in error recoverable area of kernel", s.Machine.Console()[^3]);
        Assert.Single(s.Task.TaskWork);
    }

    [Fact]
    public void QueueTaskWork_SecondPageBeforeReturningToUser_Panics()
    {
        var s = Boot(pages: 2);
        InKernel(s, u => UserCopy.CopyFromUser(s.Machine, s.Kbuf, s.Uaddr, PhysicalMemory.PageSize));

        var run = InKernel(s, u => UserCopy.CopyFromUser(s.Machine, s.Kbuf, s.Uaddr + PhysicalMemory.PageSize, PhysicalMemory.PageSize));

        Assert.Equal("Consecutive machine checks to different user pages", run.DeathMessage);
    }

    [Fact]
    public void CopyFromUser_KernelSourceAddress_FailsAccessOkAndZeroesTheBuffer()
    {
        var s = Boot();

        var run = InKernel(s, u => UserCopy.CopyFromUser(s.Machine, s.Kbuf, s.Kbuf + 64, 100));

        Assert.Equal(100UL, run.Value);
        Assert.All(s.Machine.Memory.FrameForRead(s.KbufFrame.Pfn)[..100].ToArray(), b => Assert.Equal(0, b));
        Assert.Empty(s.Machine.Traps);
    }
}
