namespace KernelModel.Mm.Tests.Task;

public sealed class TaskStructTests
{
    private static readonly SigInfo BusAr = new(Signals.SIGBUS, Signals.BUS_MCEERR_AR, 0x7f00_0000_1234, 12);

    [Fact]
    public void SigbusWithDefaultAction_KillsTheTaskWithACoreDump()
    {
        var tasks = new TaskList();
        var t = tasks.CreateProcess("victim");

        t.SendSignal(BusAr, force: true);
        Assert.True(t.IsAlive);
        t.DeliverSignals();

        Assert.Equal(TaskExitState.Killed, t.ExitState);
        Assert.Equal(Signals.SIGBUS, t.ExitSignal);
        Assert.True(t.CoreDumped);
        Assert.Equal(BusAr, Assert.Single(t.Delivered));
    }

    [Fact]
    public void SigbusWithHandler_IsDeliveredAndTheTaskGoesOn()
    {
        var t = new TaskList().CreateProcess("handler");
        t.SetAction(Signals.SIGBUS, SignalAction.Handler);

        t.SendSignal(BusAr, force: true);
        t.DeliverSignals();

        Assert.True(t.IsAlive);
        Assert.Equal(BusAr, Assert.Single(t.Delivered));
    }

    [Fact]
    public void ForcedSignal_UnblocksAndResetsAnIgnoredDisposition()
    {
        var t = new TaskList().CreateProcess("blocked");
        t.SetBlocked(Signals.SIGBUS, true);
        t.SetAction(Signals.SIGBUS, SignalAction.Ignore);

        t.SendSignal(BusAr, force: true);
        t.DeliverSignals();

        Assert.False(t.IsBlocked(Signals.SIGBUS));
        Assert.Equal(SignalAction.Default, t.ActionOf(Signals.SIGBUS));
        Assert.Equal(TaskExitState.Killed, t.ExitState);
    }

    [Fact]
    public void ForcedSignal_ToABlockedHandler_ResetsToDefaultAndKills()
    {
        var t = new TaskList().CreateProcess("blocked-handler");
        t.SetAction(Signals.SIGBUS, SignalAction.Handler);
        t.SetBlocked(Signals.SIGBUS, true);

        t.SendSignal(BusAr, force: true);
        t.DeliverSignals();

        Assert.Equal(SignalAction.Default, t.ActionOf(Signals.SIGBUS));
        Assert.Equal((TaskExitState.Killed, Signals.SIGBUS), (t.ExitState, t.ExitSignal));
    }

    [Fact]
    public void StandardSignal_AlreadyPending_IsNotQueuedTwice()
    {
        var t = new TaskList().CreateProcess("twice");
        t.SetAction(Signals.SIGBUS, SignalAction.Handler);
        var second = BusAr with { Addr = 0x7f00_0000_2000 };

        t.SendSignal(BusAr, force: true);
        t.SendSignal(second, force: true);
        t.DeliverSignals();

        Assert.Equal(BusAr, Assert.Single(t.Delivered));
    }

    [Fact]
    public void SetComm_RenamesAndTruncates()
    {
        var t = new TaskList().CreateProcess("runner");

        t.SetComm("a-very-long-thread-name");

        Assert.Equal("a-very-long-thr", t.Comm);
    }

    [Fact]
    public void UnforcedSignal_StaysPendingWhileBlockedAndIsDroppedWhenIgnored()
    {
        var tasks = new TaskList();
        var blocked = tasks.CreateProcess("blocked");
        blocked.SetBlocked(Signals.SIGBUS, true);
        var ignoring = tasks.CreateProcess("ignoring");
        ignoring.SetAction(Signals.SIGBUS, SignalAction.Ignore);

        blocked.SendSignal(BusAr, force: false);
        blocked.DeliverSignals();
        ignoring.SendSignal(BusAr, force: false);

        Assert.True(blocked.IsAlive);
        Assert.Equal(BusAr, Assert.Single(blocked.Pending));
        Assert.Empty(ignoring.Pending);
    }

    [Fact]
    public void SigInfo_PrintsTheKernelNames()
    {
        Assert.Equal("SIGBUS BUS_MCEERR_AR addr=0x7f0000001234 lsb=12", BusAr.ToString());
        Assert.Equal("SIGBUS SI_KERNEL addr=0x0 lsb=0", new SigInfo(Signals.SIGBUS, Signals.SI_KERNEL).ToString());
    }

    [Fact]
    public void ThreadsAndForkedChildren_InheritTheMceKillPolicyAndCapabilities()
    {
        var tasks = new TaskList();
        var parent = tasks.CreateProcess("parent");
        parent.Flags |= TaskFlags.MceProcess | TaskFlags.MceEarly;
        parent.Capabilities.Add(Capability.SysAdmin);

        var thread = tasks.CreateThread(parent, "worker");
        var child = tasks.CreateProcess("child", new MmStruct(), parent);

        Assert.Equal(parent.Tgid, thread.Tgid);
        Assert.Same(parent.Mm, thread.Mm);
        Assert.Equal(TaskFlags.MceProcess | TaskFlags.MceEarly, thread.Flags);
        Assert.Equal(TaskFlags.MceProcess | TaskFlags.MceEarly, child.Flags);
        Assert.True(child.Capable(Capability.SysAdmin));
        Assert.NotEqual(parent.Tgid, child.Tgid);
        Assert.Equal(new[] { parent, thread }, tasks.ThreadGroup(parent.Tgid));
        Assert.Equal("0x08000000", $"0x{(uint)TaskFlags.MceEarly:x8}");
    }

    [Fact]
    public void Comm_IsTruncatedToFifteenCharacters()
    {
        Assert.Equal("a_very_long_pro", new TaskList().CreateProcess("a_very_long_process_name").Comm);
    }

    [Fact]
    public void TaskWork_RunsOnReturnToUserBeforeSignalsAreActedOn()
    {
        var machine = MachineFactory.Generic();
        var t = machine.Tasks.CreateProcess("t");
        var order = new List<string>();
        t.AddTaskWork(new TaskWork("kill_me_maybe", () =>
        {
            order.Add("work");
            t.SendSignal(BusAr, force: true);
        }));

        machine.ReturnToUser(t);

        Assert.Equal(["work"], order);
        Assert.Empty(t.TaskWork);
        Assert.Equal(TaskExitState.Killed, t.ExitState);
    }
}
