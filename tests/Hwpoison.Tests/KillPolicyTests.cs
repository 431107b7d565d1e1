using KernelModel.Mm;

namespace KernelModel.Hwpoison.Tests;

/// <summary>
/// The kill-policy matrix: early vs late kill (vm.memory_failure_early_kill and PR_MCE_KILL), action-required vs
/// action-optional, and which thread of a process is told. The page is a dirty anonymous page shared by a
/// two-thread process P (leader, t2) and its forked child C.
/// </summary>
public sealed class KillPolicyTests
{
    private readonly Machine _m = TestMachine.Boot();
    private readonly TargetPage _t;
    private readonly TaskStruct _leader;
    private readonly TaskStruct _t2;
    private readonly TaskStruct _child;

    public KillPolicyTests()
    {
        _t = _m.Target(TargetPageKind.AnonDirty, extraMappers: 1);
        _leader = _t.Owner!;
        _child = _t.Mappers[1];
        _t2 = _m.Tasks.CreateThread(_leader, "victim-t2");
    }

    private SigInfo Ao => new(Signals.SIGBUS, Signals.BUS_MCEERR_AO, _t.Address!.Value, 12);

    private SigInfo Ar => new(Signals.SIGBUS, Signals.BUS_MCEERR_AR, _t.Address!.Value, 12);

    [Fact]
    public void ActionOptional_LateKill_NobodyIsSignalledButEveryMappingIsAHwpoisonEntry()
    {
        Assert.Equal(0, _m.MemoryFailure(_t.Pfn, MfFlags.None));

        Assert.All(new[] { _leader, _t2, _child }, t => Assert.Empty(t.Pending));
        Assert.Equal(Pte.HwpoisonEntry(_t.Pfn), _leader.PteAt(_t.Address!.Value));
        Assert.Equal(Pte.HwpoisonEntry(_t.Pfn), _child.PteAt(_t.Address!.Value));
    }

    [Fact]
    public void ActionOptional_EarlyKillSysctl_EachProcessFirstThreadGetsAO()
    {
        _m.Sysctl.Set("vm.memory_failure_early_kill", "1");

        _m.MemoryFailure(_t.Pfn, MfFlags.None);

        Assert.Equal([Ao], _leader.Pending);
        Assert.Empty(_t2.Pending);
        Assert.Equal([Ao], _child.Pending);
        var pfn = Printf.HashLx(_t.Pfn);
        Assert.Contains($"Memory failure: {pfn}: Sending SIGBUS to victim:{_leader.Pid} due to hardware memory corruption", _m.Texts());
        Assert.Contains($"Memory failure: {pfn}: Sending SIGBUS to victim-child1:{_child.Pid} due to hardware memory corruption", _m.Texts());
    }

    [Fact]
    public void ActionOptional_PrMceKillEarlyOnASecondThread_OnlyThatThreadIsTold()
    {
        Assert.Equal(0, PrctlMceKill.Prctl(_t2, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillSet, PrctlMceKill.PrMceKillEarly));

        _m.MemoryFailure(_t.Pfn, MfFlags.None);

        Assert.Empty(_leader.Pending);
        Assert.Equal([Ao], _t2.Pending);
        Assert.Empty(_child.Pending);
    }

    [Fact]
    public void ActionOptional_PrMceKillLateOnTheLeaderWithEarlySysctl_TheNextThreadIsChosen()
    {
        _m.Sysctl.Set("vm.memory_failure_early_kill", "1");
        PrctlMceKill.Prctl(_leader, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillSet, PrctlMceKill.PrMceKillLate);

        _m.MemoryFailure(_t.Pfn, MfFlags.None);

        Assert.Empty(_leader.Pending);
        Assert.Equal([Ao], _t2.Pending);
        Assert.Equal([Ao], _child.Pending);
    }

    [Fact]
    public void ActionOptional_AllThreadsLate_ProcessIsSkippedDespiteTheSysctl()
    {
        _m.Sysctl.Set("vm.memory_failure_early_kill", "1");
        PrctlMceKill.Prctl(_leader, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillSet, PrctlMceKill.PrMceKillLate);
        PrctlMceKill.Prctl(_t2, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillSet, PrctlMceKill.PrMceKillLate);

        _m.MemoryFailure(_t.Pfn, MfFlags.None);

        Assert.Empty(_leader.Pending);
        Assert.Empty(_t2.Pending);
        Assert.Equal([Ao], _child.Pending);
    }

    [Fact]
    public void ActionRequired_LateKill_OnlyTheConsumingThreadGetsAForcedAR()
    {
        _t2.SetBlocked(Signals.SIGBUS, true);

        Assert.Equal(0, _m.MemoryFailure(_t.Pfn, MfFlags.ActionRequired, current: _t2));

        Assert.Equal([Ar], _t2.Pending);
        Assert.False(_t2.IsBlocked(Signals.SIGBUS));
        Assert.Empty(_leader.Pending);
        Assert.Empty(_child.Pending);
        _m.ReturnToUser(_t2);
        Assert.Equal(TaskExitState.Killed, _t2.ExitState);
        Assert.Equal(Signals.SIGBUS, _t2.ExitSignal);
    }

    [Fact]
    public void ActionRequired_EarlyKill_ConsumerGetsAROthersAO()
    {
        _m.Sysctl.Set("vm.memory_failure_early_kill", "1");

        _m.MemoryFailure(_t.Pfn, MfFlags.ActionRequired, current: _t2);

        Assert.Equal([Ar], _t2.Pending);
        Assert.Empty(_leader.Pending);
        Assert.Equal([Ao], _child.Pending);
    }

    [Fact]
    public void ActionOptional_AOIsBlockableAndCatchable()
    {
        _m.Sysctl.Set("vm.memory_failure_early_kill", "1");
        _leader.SetBlocked(Signals.SIGBUS, true);
        _child.SetAction(Signals.SIGBUS, SignalAction.Handler);

        _m.MemoryFailure(_t.Pfn, MfFlags.None);
        _m.ReturnToUser(_leader);
        _m.ReturnToUser(_child);

        Assert.Equal([Ao], _leader.Pending);
        Assert.True(_leader.IsAlive);
        Assert.Equal([Ao], _child.Delivered);
        Assert.True(_child.IsAlive);
    }

    [Fact]
    public void CleanPageCachePage_NoOneIsSignalledEvenWithEarlyKill()
    {
        var m = TestMachine.Boot();
        m.Sysctl.Set("vm.memory_failure_early_kill", "1");
        var t = m.Target(TargetPageKind.FileClean, extraMappers: 1);

        m.MemoryFailure(t.Pfn, MfFlags.ActionRequired, current: t.Owner);

        Assert.All(t.Mappers, task => Assert.Empty(task.Pending));
    }

    [Fact]
    public void FilePage_EarlyKillTellsEveryVmaCoveringTheOffset()
    {
        var m = TestMachine.Boot();
        m.Sysctl.Set("vm.memory_failure_early_kill", "1");
        var t = m.Target(TargetPageKind.FileDirty, extraMappers: 2);

        m.MemoryFailure(t.Pfn, MfFlags.None);

        Assert.All(t.Mappers, task => Assert.Equal(Signals.BUS_MCEERR_AO, Assert.Single(task.Pending).Code));
    }

    [Fact]
    public void HugetlbPage_SignalCarriesTheHugePageShift()
    {
        var m = TestMachine.Boot(hugepages2M: 1);
        m.Sysctl.Set("vm.memory_failure_early_kill", "1");
        var t = m.Target(TargetPageKind.HugetlbAnon, subpage: 3);

        m.MemoryFailure(t.Pfn, MfFlags.None);

        var sig = Assert.Single(t.Owner!.Pending);
        Assert.Equal((Signals.BUS_MCEERR_AO, t.Address!.Value, 21), (sig.Code, sig.Addr, sig.AddrLsb));
        Assert.Equal(0UL, sig.Addr & 0xfff);
    }

    [Theory]
    [InlineData(UnmapFailureKill.Sigkill, Signals.SIGKILL, Signals.SI_KERNEL)]
    [InlineData(UnmapFailureKill.Sigbus, Signals.SIGBUS, Signals.BUS_MCEERR_AO)]
    public void UnmapFailure_MappersGetSigkillOnOldKernelsSigbusOnNew(UnmapFailureKill option, int signo, int code)
    {
        var m = TestMachine.Boot(HwpoisonOptions.V617 with { UnmapFailureKill = option });
        m.Sysctl.Set("vm.memory_failure_early_kill", "1");
        // A swap-cache page is unmapped without TTU_HWPOISON (its PTEs become swap entries), and that unmap cannot
        // share an exclusive page a device has pinned.
        var t = m.Target(TargetPageKind.SwapcacheDirty);
        t.Page.RefCount += Gup.GupPinCountingBias;

        Assert.Equal(-Errno.EBUSY, m.MemoryFailure(t.Pfn, MfFlags.None));

        var sig = Assert.Single(t.Owner!.Pending);
        Assert.Equal((signo, code), (sig.Signo, sig.Code));
        var pfn = Printf.HashLx(t.Pfn);
        Assert.Contains($"Memory failure: {pfn}: failed to unmap page (folio mapcount=1)", m.Texts());
        Assert.Equal(option == UnmapFailureKill.Sigkill,
            m.Texts().Contains($"Memory failure: {pfn}: forcibly killing victim:{t.Owner.Pid} because of failure to unmap corrupted page"));
        Assert.True(t.Owner.PteAt(t.Address!.Value).IsPresent);
    }

    [Fact]
    public void UnsplittableThp_MappersAreKilledNowWithTheThpShift()
    {
        var m = TestMachine.Boot();
        m.Sysctl.Set("vm.memory_failure_early_kill", "1");
        var t = m.Target(TargetPageKind.AnonThpPinned, subpage: 7);

        Assert.Equal(-Errno.EHWPOISON, m.MemoryFailure(t.Pfn, MfFlags.None));

        var sig = Assert.Single(t.Owner!.Pending);
        Assert.Equal((Signals.BUS_MCEERR_AO, t.Address!.Value, 21), (sig.Code, sig.Addr, sig.AddrLsb));
        Assert.Equal(PageTableLevel.Pmd, t.Owner.Mm!.PageTable.Walk(t.Address.Value).Level);
    }
}
