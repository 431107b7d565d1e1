using KernelModel.Mm;
using Moq;

namespace KernelModel.Arch.X86.Tests;

/// <summary>
/// A user-mode load of poison (IN_USER, "Action required: data load error in a user process"): do_machine_check
/// queues kill_me_maybe as task work, which runs memory_failure on return to user.
/// </summary>
public sealed class MachineCheckUserModeTests
{
    private static readonly CodeSite UserLoad = new("einj_mem_uc", "movq (%rax),%rdx", SiteAccess.Load);

    private readonly Mock<IMemoryFailure> _memoryFailure = new();

    private (Machine Machine, TaskStruct Task, ulong Pfn, ulong LinePa, AccessResult Access) ConsumeInUserMode(X86Options? options = null, int result = 0)
    {
        _memoryFailure.Setup(x => x.MemoryFailure(It.IsAny<ulong>(), It.IsAny<MfFlags>())).Returns(result);
        var m = X86Machines.Boot(options, _memoryFailure.Object);
        var (task, uaddr, frame) = X86Machines.UserPages(m);
        var linePa = frame.Head.PhysAddr + 0x1c0;
        m.Memory.InjectPoison(linePa + 5);
        Span<byte> value = stackalloc byte[8];
        AccessResult access;
        using (m.CurrentCpu.Enter(task, CpuMode.User))
        {
            access = m.CurrentCpu.Load(UserLoad, uaddr + 0x1c4, value);
        }

        return (m, task, frame.Pfn, linePa, access);
    }

    [Fact]
    public void HardwareError_UserModeLoad_QueuesKillMeMaybeWithoutCallingMemoryFailureYet()
    {
        var (m, task, _, _, access) = ConsumeInUserMode();

        Assert.Equal(AccessResult.UserTrapped, access);
        Assert.Equal(["kill_me_maybe"], task.TaskWork.Select(w => w.Name));
        Assert.Equal(["mce: [Hardware Error]: Machine check events logged"], m.Console());
        var trap = Assert.Single(m.Traps);
        Assert.Equal(TrapOutcome.UserHandled, trap.Outcome);
        Assert.Equal("#MC in user mode: Action required: data load error in a user process; task work kill_me_maybe", trap.Detail);
        _memoryFailure.VerifyNoOtherCalls();
    }

    [Fact]
    public void KillMeMaybe_OnReturnToUser_CallsMemoryFailureActionRequiredAndSendsNothingItself()
    {
        var (m, task, pfn, linePa, _) = ConsumeInUserMode();

        m.ReturnToUser(task);

        _memoryFailure.Verify(x => x.MemoryFailure(pfn, MfFlags.ActionRequired), Times.Once);
        _memoryFailure.VerifyNoOtherCalls();
        Assert.Equal(
            ["mce: [Hardware Error]: Machine check events logged", $"mce: Uncorrected hardware memory error in user-access at {linePa:x}"],
            m.Console());
        Assert.True(task.IsAlive);
        Assert.Empty(task.Delivered);
        Assert.Empty(task.TaskWork);
        Assert.Equal(0, m.X86().X86Trap.MachineCheck.TaskState(task).Count);
    }

    [Fact]
    public void KillMeMaybe_MemoryFailureFails_PrintsNotRecoveredAndKillsWithSigbusSiKernel()
    {
        var (m, task, pfn, linePa, _) = ConsumeInUserMode(result: -Errno.EBUSY);

        m.ReturnToUser(task);

        _memoryFailure.Verify(x => x.MemoryFailure(pfn, MfFlags.ActionRequired), Times.Once);
        Assert.Equal(
            [
                "mce: [Hardware Error]: Machine check events logged",
                $"mce: Uncorrected hardware memory error in user-access at {linePa:x}",
                "mce: Memory error not recovered",
            ],
            m.Console());
        Assert.Equal(TaskExitState.Killed, task.ExitState);
        Assert.Equal(Signals.SIGBUS, task.ExitSignal);
        Assert.Equal(new SigInfo(Signals.SIGBUS, Signals.SI_KERNEL), Assert.Single(task.Delivered));
    }

    [Theory]
    [InlineData(-Errno.EHWPOISON)]
    [InlineData(-Errno.EOPNOTSUPP)]
    public void KillMeMaybe_AlreadyHandledOrFiltered_EndsWithoutASignal(int result)
    {
        var (m, task, _, _, _) = ConsumeInUserMode(result: result);

        m.ReturnToUser(task);

        Assert.DoesNotContain("mce: Memory error not recovered", m.Console());
        Assert.True(task.IsAlive);
        Assert.Empty(task.Delivered);
    }

    [Fact]
    public void KillMeMaybe_NoRestartIp_AddsMfMustKill()
    {
        var (m, task, pfn, _, _) = ConsumeInUserMode(new X86Options { RestartIpValid = false });

        m.ReturnToUser(task);

        _memoryFailure.Verify(x => x.MemoryFailure(pfn, MfFlags.ActionRequired | MfFlags.MustKill), Times.Once);
        _memoryFailure.VerifyNoOtherCalls();
    }

    [Fact]
    public void HardwareError_AddressCoarserThanAPage_QueuesKillMeNow()
    {
        var (m, task, _, _, _) = ConsumeInUserMode(new X86Options { MiscAddrLsb = 13 });

        Assert.Equal(["kill_me_now"], task.TaskWork.Select(w => w.Name));
        m.ReturnToUser(task);

        _memoryFailure.VerifyNoOtherCalls();
        Assert.Equal(["mce: [Hardware Error]: Machine check events logged"], m.Console());
        Assert.Equal(new SigInfo(Signals.SIGBUS, Signals.SI_KERNEL), Assert.Single(task.Delivered));
        Assert.Equal(TaskExitState.Killed, task.ExitState);
    }

    [Fact]
    public void KillMeMaybe_SigbusArEraWithMemoryFailureSuccess_SendsNoSignal()
    {
        var (m, task, pfn, _, _) = ConsumeInUserMode(new X86Options { CopyinRecovery = CopyinRecovery.SigbusAr });

        m.ReturnToUser(task);

        _memoryFailure.Verify(x => x.MemoryFailure(pfn, MfFlags.ActionRequired), Times.Once);
        Assert.Empty(task.Delivered);
    }

    [Fact]
    public void KillMeMaybe_SigbusArEraAlreadyPoisoned_KillsWithSigbusSiKernel()
    {
        // v5.12's kill_me_maybe had no -EHWPOISON early return.
        var (m, task, _, _, _) = ConsumeInUserMode(new X86Options { CopyinRecovery = CopyinRecovery.SigbusAr }, result: -Errno.EHWPOISON);

        m.ReturnToUser(task);

        Assert.Equal("mce: Memory error not recovered", m.Console()[^1]);
        Assert.Equal(new SigInfo(Signals.SIGBUS, Signals.SI_KERNEL), Assert.Single(task.Delivered));
    }
}
