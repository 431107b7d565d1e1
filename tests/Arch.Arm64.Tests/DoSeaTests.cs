using KernelModel.Mm;
using Moq;

namespace KernelModel.Arch.Arm64.Tests;

/// <summary>
/// do_sea: upstream asks APEI only for user-mode aborts; the series (do_apei_claim_sea) asks first in either
/// mode and applies fixup_exception_me only after a successful claim.
/// </summary>
public sealed class DoSeaTests
{
    private static readonly CodeSite PreGetA = new(MemcpyMc.GenericRoutine, "cpy_body_large: ldp1 A (pre-get)", SiteAccess.Load);
    private static readonly CodeSite UserLoad = new("user", "ldr x0, [x1]", SiteAccess.Load);

    [Fact]
    public void Series_KernelAbortClaimed_ClaimsBeforeTheFixupAndTheCopyReturns()
    {
        var ghes = new Mock<IGhes>(MockBehavior.Strict);
        Machine m = null!;
        var fixupSeenAtClaim = true;
        ghes.Setup(g => g.NotifySea(It.IsAny<Cpu>(), It.IsAny<HardwareErrorEvent>(), true))
            .Callback(() => fixupSeenAtClaim = m.Tracer.Lines.Any(l => l.Contains("fixup_exception_me", StringComparison.Ordinal)))
            .Returns(0);
        m = Arm64Machines.Boot(Arm64Options.Series, ghes.Object);
        m.Tracer.Enabled = true;
        var (dst, src, _, _) = Arm64Machines.Pages(m, 0);

        var run = m.RunInKernel(() => m.Arch.CopyMc.CopyMcToKernel(dst, src, PhysicalMemory.PageSize));

        Assert.Equal((ulong)PhysicalMemory.PageSize, run.Value);
        Assert.False(fixupSeenAtClaim);
        var claim = m.Tracer.Lines.ToList().FindIndex(l => l.Contains("apei_claim_sea() {", StringComparison.Ordinal));
        var fixup = m.Tracer.Lines.ToList().FindIndex(l => l.Contains("fixup_exception_me() {", StringComparison.Ordinal));
        Assert.True(claim >= 0 && fixup > claim, string.Join("\n", m.Tracer.Lines));
        ghes.Verify(g => g.NotifySea(m.CurrentCpu, It.Is<HardwareErrorEvent>(e => e.Mode == CpuMode.Kernel && e.Site == PreGetA), true), Times.Once);
        var trap = Assert.Single(m.Traps);
        Assert.Equal(TrapOutcome.Fixup, trap.Outcome);
        Assert.StartsWith("apei_claim_sea() = 0, fixup_exception_me: extable EX_TYPE_KACCESS_ERR_ZERO -> 9997f", trap.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Series_KernelAbortNotClaimed_DiesWithTheFaultSiteAndNoFixup()
    {
        var ghes = new Mock<IGhes>(MockBehavior.Strict);
        ghes.Setup(g => g.NotifySea(It.IsAny<Cpu>(), It.IsAny<HardwareErrorEvent>(), It.IsAny<bool>())).Returns(-Errno.ENOENT);
        var m = Arm64Machines.Boot(Arm64Options.Series, ghes.Object);
        m.Tracer.Enabled = true;
        var (dst, src, _, _) = Arm64Machines.Pages(m, 0);
        var task = m.Tasks.CreateProcess("victim");

        var run = m.RunInKernel(() => m.Arch.CopyMc.CopyMcToKernel(dst, src, PhysicalMemory.PageSize), task);

        Assert.True(run.Died);
        Assert.False(run.Panicked);
        var trap = Assert.Single(m.Traps);
        Assert.Equal(PreGetA, trap.Site);
        Assert.Equal(TrapOutcome.Died, trap.Outcome);
        Assert.DoesNotContain(m.Tracer.Lines, l => l.Contains("fixup_exception_me", StringComparison.Ordinal));
        Assert.Contains(m.Log.Lines, l => l.Text == "Internal error: synchronous external abort: 0000000096000010 [#1] SMP");
        Assert.Equal(Signals.SIGSEGV, task.ExitSignal);
        ghes.Verify(g => g.NotifySea(It.IsAny<Cpu>(), It.IsAny<HardwareErrorEvent>(), true), Times.Once);
    }

    [Fact]
    public void Series_ClaimedAbortAtASiteWithoutAnEntry_Dies()
    {
        var ghes = new ClaimingGhes();
        var m = Arm64Machines.Boot(Arm64Options.Series, ghes);
        m.Tracer.Enabled = true;
        var (dst, src, _, _) = Arm64Machines.Pages(m, 0);

        var run = m.RunInKernel(() =>
        {
            m.Arch.CopyRoutines.Single(r => r.Name == "memcpy").Invoke(dst, src, 64);
            return 0;
        });

        Assert.True(run.Died);
        Assert.Equal(GenericCopyMc.MemcpyLoad, Assert.Single(ghes.Calls).Site);
        Assert.Contains(m.Tracer.Lines, l => l.Contains("fixup_exception_me() {", StringComparison.Ordinal));
        Assert.Equal(TrapOutcome.Died, Assert.Single(m.Traps).Outcome);
    }

    [Fact]
    public void Series_WithoutGhes_NothingRecoversAndTheContractStillHolds()
    {
        var probe = new CopyProbe(() => Arm64Machines.Boot(Arm64Options.Series));

        Assert.IsType<GhesNotConfigured>(probe.Machine.Ghes);
        Assert.All(probe.Machine.Arch.CopyRoutines, r => Assert.False(r.RecoversPoison));
        foreach (var routine in new[] { "copy_mc_to_kernel", "copy_mc_to_user" })
        {
            var result = probe.Run(routine, new CopyCase(300, 1, 2, [150]));
            Assert.True(result.Died);
            Assert.True(result.ContractOk, result.Violation);
        }

        var page = probe.Run("copy_mc_page", new CopyCase(PhysicalMemory.PageSize, 0, 0, [0]));
        Assert.True(page.Died);
        Assert.True(page.ContractOk, page.Violation);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Series_GatingOption_IsPassedToGhes(bool gate)
    {
        var ghes = new ClaimingGhes();
        var m = Arm64Machines.Boot(Arm64Options.Series with { GhesGateSigbusOnContext = gate }, ghes);
        var (dst, src, _, _) = Arm64Machines.Pages(m, 10);

        m.RunInKernel(() => m.Arch.CopyMc.CopyMcToKernel(dst, src, 128));

        Assert.Equal((CpuMode.Kernel, gate), ghes.Calls.Select(c => (c.Mode, c.Gate)).Single());
    }

    [Fact]
    public void Series_UserModeAbortClaimed_IsLeftToGhesWithTheGate()
    {
        var ghes = new ClaimingGhes();
        var m = Arm64Machines.Boot(Arm64Options.Series, ghes);

        var (result, task) = UserLoadOfPoison(m);

        Assert.Equal(AccessResult.UserTrapped, result);
        Assert.Equal((CpuMode.User, true), ghes.Calls.Select(c => (c.Mode, c.Gate)).Single());
        Assert.Empty(task.Pending);
        Assert.Equal(TrapOutcome.UserHandled, Assert.Single(m.Traps).Outcome);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void UserModeAbortNotClaimed_ForcesSigbusBusObjerrAtTheAddress(bool series)
    {
        var m = Arm64Machines.Boot(series ? Arm64Options.Series : Arm64Options.Upstream);

        var (result, task) = UserLoadOfPoison(m);

        Assert.Equal(AccessResult.UserTrapped, result);
        var va = Assert.Single(m.Traps).VirtualAddress;
        Assert.Equal(new SigInfo(Signals.SIGBUS, Signals.BUS_OBJERR, va), Assert.Single(task.Pending));
        Assert.Equal(0, m.OopsCount);
    }

    [Fact]
    public void Upstream_UserModeAbortClaimed_GoesToGhesWithoutGating()
    {
        var ghes = new ClaimingGhes();
        var m = Arm64Machines.Boot(Arm64Options.Upstream, ghes);

        var (_, task) = UserLoadOfPoison(m);

        Assert.Equal((CpuMode.User, false), ghes.Calls.Select(c => (c.Mode, c.Gate)).Single());
        Assert.Empty(task.Pending);
    }

    [Fact]
    public void Upstream_KernelConsumption_NeverAsksApeiAndOopsesTheTask()
    {
        var ghes = new Mock<IGhes>(MockBehavior.Strict);
        var m = Arm64Machines.Boot(Arm64Options.Upstream, ghes.Object);
        var (dst, src, _, _) = Arm64Machines.Pages(m, 100);
        var task = m.Tasks.CreateProcess("reader");

        var run = m.RunInKernel(() => m.Arch.CopyMc.CopyMcToKernel(dst, src, PhysicalMemory.PageSize), task);

        Assert.True(run.Died);
        Assert.False(run.Panicked);
        Assert.Equal(["Internal error: synchronous external abort: 0000000096000010 [#1] SMP"], m.Log.Lines.Select(l => l.Text));
        Assert.Equal(Signals.SIGSEGV, task.ExitSignal);
        ghes.VerifyNoOtherCalls();
    }

    [Fact]
    public void Upstream_KernelConsumptionWithPanicOnOops_PanicsWithArm64sMessage()
    {
        var probe = new CopyProbe(() =>
        {
            var m = Arm64Machines.Boot(Arm64Options.Upstream, new ClaimingGhes());
            m.Sysctl.Set("kernel.panic_on_oops", "1");
            return m;
        });

        var result = probe.Run("copy_mc_to_kernel", new CopyCase(4096, 0, 0, [0]));

        Assert.True(result.Panicked);
        Assert.Equal("synchronous external abort: Fatal exception", result.DeathMessage);
    }

    [Fact]
    public void Upstream_KernelConsumptionInInterrupt_PanicsWithTheInterruptMessage()
    {
        var m = Arm64Machines.Boot(Arm64Options.Upstream, new ClaimingGhes());
        var (dst, src, _, _) = Arm64Machines.Pages(m, 128);

        KernelRun<ulong> run;
        using (m.CurrentCpu.EnterInterrupt())
        {
            run = m.Run(() => m.Arch.CopyMc.CopyMcToKernel(dst, src, PhysicalMemory.PageSize));
        }

        Assert.True(run.Panicked);
        Assert.Equal(MachineState.Panicked, m.State);
        Assert.Equal(
            ["Internal error: synchronous external abort: 0000000096000010 [#1] SMP",
                "Kernel panic - not syncing: synchronous external abort: Fatal exception in interrupt",
                "---[ end Kernel panic - not syncing: synchronous external abort: Fatal exception in interrupt ]---"],
            m.Log.Lines.Select(l => l.Text));
    }

    // A process loads from its own page whose first line is poisoned.
    private static (AccessResult Result, TaskStruct Task) UserLoadOfPoison(Machine m)
    {
        var task = m.Tasks.CreateProcess("app");
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        var (_, _, _, page) = Arm64Machines.Pages(m, 8);
        task.Mm.PageTable.Set(vma.Start, Pte.Present(page.Pfn, write: true));
        var buffer = new byte[8];
        using (m.CurrentCpu.Enter(task, CpuMode.User))
        {
            return (m.CurrentCpu.Load(UserLoad, vma.Start + 8, buffer), task);
        }
    }
}
