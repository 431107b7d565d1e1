using KernelModel.Mm;

namespace KernelModel.Hwpoison.Tests;

/// <summary>GHES: synchronous (SEA) and asynchronous records, the v14 context gate, soft offline, panic, rejection.</summary>
public sealed class GhesTests
{
    private static readonly CodeSite UserLoad = new("user", "ldr", SiteAccess.Load);

    private static Ghes Ghes(Machine m) => (Ghes)m.Ghes;

    private static int NotifySea(Machine m, TaskStruct? current, CpuMode mode, ulong pa, bool gate)
    {
        using (m.CurrentCpu.Enter(current, mode))
        {
            return m.Run(() => m.Ghes.NotifySea(m.CurrentCpu, new HardwareErrorEvent(UserLoad, 0x1000, pa, mode), gate)).Value;
        }
    }

    [Fact]
    public void SeaInUserMode_MemoryFailureRunsAsTaskWorkAndTheConsumerGetsAR()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);

        Assert.Equal(0, NotifySea(m, t.Owner, CpuMode.User, t.PhysAddr + 0x40, gate: true));

        Assert.Equal("memory_failure_cb", Assert.Single(t.Owner!.TaskWork).Name);
        Assert.False(t.Page.IsHwpoison);
        m.ReturnToUser(t.Owner);
        Assert.True(t.Page.IsHwpoison);
        Assert.Equal([new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, t.Address!.Value, 12)], t.Owner.Delivered);
        Assert.Equal(TaskExitState.Killed, t.Owner.ExitState);
        Assert.True(m.Mf().HwMemoryFailure);
    }

    [Fact]
    public void SeaInKernelMode_WithoutTheGate_TheTaskIsSignalledAR()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);

        NotifySea(m, t.Owner, CpuMode.Kernel, t.PhysAddr, gate: false);
        m.ReturnToUser(t.Owner!);

        Assert.Equal(Signals.BUS_MCEERR_AR, Assert.Single(t.Owner!.Delivered).Code);
    }

    [Fact]
    public void SeaInKernelMode_WithTheV14Gate_ActionOptionalThroughTheQueueAndNoSigbus()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);

        NotifySea(m, t.Owner, CpuMode.Kernel, t.PhysAddr, gate: true);

        Assert.Empty(t.Owner!.TaskWork);
        Assert.Equal([(t.Pfn, MfFlags.None)], m.Mf().Queue.Pending(0));
        m.Run(m.Mf().Queue.RunPending);
        m.ReturnToUser(t.Owner);
        Assert.Empty(t.Owner.Delivered);
        Assert.True(t.Page.IsHwpoison);
    }

    [Fact]
    public void SeaInAKernelThread_ActionRequiredGoesThroughTheQueue()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.FreeBuddy);
        var kthread = m.Tasks.CreateKthread("khugepaged");

        NotifySea(m, kthread, CpuMode.Kernel, t.PhysAddr, gate: false);

        Assert.Equal([(t.Pfn, MfFlags.ActionRequired)], m.Mf().Queue.Pending(0));
    }

    [Fact]
    public void MemoryFailureFailingInTheTaskWork_SendingSigbusWithSiKernel()
    {
        var m = TestMachine.Boot();
        var task = m.Tasks.CreateProcess("victim");
        var slab = m.Target(TargetPageKind.Slab);

        NotifySea(m, task, CpuMode.User, slab.PhysAddr, gate: true);
        m.ReturnToUser(task);

        Assert.Equal($"{Printf.HashLx(slab.Pfn)}: Sending SIGBUS to victim:{task.Pid} due to hardware memory corruption", m.Texts()[^1]);
        Assert.Equal([new SigInfo(Signals.SIGBUS, Signals.SI_KERNEL)], task.Delivered);
    }

    [Fact]
    public void SynchronousRecordWithoutAPhysicalAddress_SynchronousUnrecoverableErrorSigbus()
    {
        var m = TestMachine.Boot();
        var task = m.Tasks.CreateProcess("victim");
        var record = CperRecordBuilder.PlatformMemoryError(0x5000, 0, CperSeverity.Recoverable, 0, CperSectionFlags.Primary);
        record[20 + 72] &= unchecked((byte)~(byte)CperMemValid.Pa);

        GhesResult result;
        using (m.CurrentCpu.Enter(task, CpuMode.User))
        {
            result = Ghes(m).Process(record, GhesNotify.Sea);
        }

        Assert.True(result.Claimed);
        Assert.True(result.Sigbus);
        Assert.Equal($"GHES GHES.0: [Hardware Error]: GHES: victim:{task.Pid}: synchronous unrecoverable error (SIGBUS)", m.Texts()[0]);
        Assert.Equal([new SigInfo(Signals.SIGBUS, Signals.SI_KERNEL)], task.Pending);
    }

    [Fact]
    public void CorrectedOverThreshold_IsSoftOfflinedThroughTheQueue()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);
        var record = CperRecordBuilder.PlatformMemoryError(t.PhysAddr, 0, CperSeverity.Corrected, CperRecordBuilder.StatusDramStorage,
            CperSectionFlags.Primary | CperSectionFlags.ErrorThresholdExceeded);

        var result = Ghes(m).Process(record, GhesNotify.Async);
        m.Run(m.Mf().Queue.RunPending);

        Assert.True(result.Queued);
        Assert.True(t.Page.IsHwpoison);
        Assert.NotEqual(t.Pfn, t.Owner!.PteAt(t.Address!.Value).Pfn);
        Assert.Empty(t.Owner!.Pending);
    }

    [Fact]
    public void CorrectedBelowThreshold_IsOnlyLogged()
    {
        var m = TestMachine.Boot();
        var record = CperRecordBuilder.PlatformMemoryError(0x2000000, 0, CperSeverity.Corrected, CperRecordBuilder.StatusDramStorage, CperSectionFlags.Primary);

        var result = Ghes(m).Process(record, GhesNotify.Async);

        Assert.False(result.Queued);
        Assert.False(m.Mf().Queue.HasPendingWork);
        Assert.Equal("{1}[Hardware Error]: It has been corrected by h/w and requires no further action", m.Texts()[1]);
        Assert.All(m.Log.Lines, l => Assert.Equal(LogLevel.Warning, l.Level));
    }

    [Fact]
    public void FatalRecord_Panics()
    {
        var m = TestMachine.Boot();
        var record = CperRecordBuilder.PlatformMemoryError(0x2000000, 0, CperSeverity.Fatal, CperRecordBuilder.StatusDramStorage, CperSectionFlags.Primary);

        var run = m.Run(() => Ghes(m).Process(record, GhesNotify.Async));

        Assert.True(run.Panicked);
        Assert.Equal("GHES: Fatal hardware error!", run.DeathMessage);
        Assert.Equal("{1}[Hardware Error]: event severity: fatal", m.Texts()[1]);
        Assert.Equal(LogLevel.Emerg, m.Log.Lines[0].Level);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddressOutsideMemory_WarnedOnV617HandedToMemoryFailureOnMmNext(bool checks)
    {
        var m = TestMachine.Boot(HwpoisonOptions.V617 with { GhesChecksPfnValid = checks });
        var record = CperRecordBuilder.PlatformMemoryError(0x80000000, 0, CperSeverity.Recoverable, 0, CperSectionFlags.Primary);

        Ghes(m).Process(record, GhesNotify.Async);
        m.Run(m.Mf().Queue.RunPending);

        Assert.Equal(checks, m.Texts().Contains("[Firmware Warn]: GHES: Invalid address in generic error data: 0x80000000"));
        Assert.Equal(!checks, m.Texts().Contains("Memory failure: 0x80000: memory outside kernel control"));
    }

    [Fact]
    public void MalformedRecord_IsRejectedAndChangesNothing()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);
        var record = CperRecordBuilder.PlatformMemoryError(t.PhysAddr, 0, CperSeverity.Recoverable, 0, CperSectionFlags.Primary)[..90];

        GhesResult result;
        using (m.CurrentCpu.Enter(t.Owner, CpuMode.User))
        {
            result = Ghes(m).Process(record, GhesNotify.Sea);
        }

        Assert.False(result.Claimed);
        Assert.Equal("the block declares 172 bytes but the record has only 90", result.Rejection);
        Assert.Equal(["[Firmware Warn]: GHES: Failed to read error status block!"], m.Texts());
        Assert.Empty(t.Owner!.TaskWork);
        Assert.Empty(t.Owner.Pending);
        Assert.False(m.Mf().Queue.HasPendingWork);
        Assert.False(t.Page.IsHwpoison);
    }

    [Fact]
    public void SameRecordWithinTenSeconds_IsPrintedOnce()
    {
        var m = TestMachine.Boot();
        var record = CperRecordBuilder.PlatformMemoryError(0x2000000, 0, CperSeverity.Corrected, 0, CperSectionFlags.Primary);

        Ghes(m).Process(record, GhesNotify.Async);
        var once = m.Log.Lines.Count;
        Ghes(m).Process(record, GhesNotify.Async);
        Assert.Equal(once, m.Log.Lines.Count);
        m.Clock.Advance(TimeSpan.FromSeconds(10));
        Ghes(m).Process(record, GhesNotify.Async);

        Assert.Equal(2 * once, m.Log.Lines.Count);
        Assert.StartsWith("{2}[Hardware Error]: ", m.Texts()[^1], StringComparison.Ordinal);
    }
}
