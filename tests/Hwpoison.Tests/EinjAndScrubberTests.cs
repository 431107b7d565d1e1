using KernelModel.Mm;

namespace KernelModel.Hwpoison.Tests;

/// <summary>EINJ latent poison, the patrol scrubber in virtual time, and consumption by a user load.</summary>
public sealed class EinjAndScrubberTests
{
    private static readonly CodeSite UserLoad = new("user", "ldr", SiteAccess.Load);

    private static void Inject(Einj einj, ulong pa, uint type = Einj.MemoryUncorrectable, uint notrigger = 1)
    {
        Assert.Equal(0, einj.Write("error_type", "0x" + type.ToString("x", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(0, einj.Write("flags", "0x2"));
        Assert.Equal(0, einj.Write("param1", Printf.HashLx(pa)));
        Assert.Equal(0, einj.Write("param2", "0xfffffffffffff000"));
        Assert.Equal(0, einj.Write("notrigger", notrigger.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(0, einj.Write("error_inject", "1"));
    }

    [Fact]
    public void AvailableErrorType_ListsTheMemoryTypes()
    {
        Assert.Equal("0x00000008\tMemory Correctable\n0x00000010\tMemory Uncorrectable non-fatal\n0x00000020\tMemory Uncorrectable fatal\n",
            Einj.AvailableErrorType);
    }

    [Fact]
    public void BadParameters_Einval()
    {
        var m = TestMachine.Boot();
        var einj = new Einj(m);

        Assert.Equal(-Errno.EINVAL, einj.Write("error_type", "0x4"));
        einj.Write("error_type", "0x10");
        einj.Write("flags", "0x8");
        Assert.Equal(-Errno.EINVAL, einj.Write("error_inject", "1"));
        einj.Write("flags", "0x2");
        einj.Write("param1", "0x1000000");
        einj.Write("param2", "0xffffffffffe00000");
        Assert.Equal(-Errno.EINVAL, einj.Write("error_inject", "1"));
        einj.Write("param1", "0x80000000");
        einj.Write("param2", "0xfffffffffffff000");
        Assert.Equal(-Errno.EINVAL, einj.Write("error_inject", "1"));
        Assert.Equal(0, m.Memory.PoisonedLines);
    }

    [Fact]
    public void NoTrigger_PoisonIsLatentAndNothingHappens()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);

        Inject(new Einj(m), t.PhysAddr + 0x80);

        Assert.True(m.Memory.IsLinePoisoned(t.PhysAddr + 0x80));
        Assert.False(t.Page.IsHwpoison);
        Assert.Empty(m.Log.Lines);
    }

    [Fact]
    public void Scrubber_FindsTheLineWhenItReachesItAndReportsActionOptional()
    {
        var m = TestMachine.Boot();
        m.Sysctl.Set("vm.memory_failure_early_kill", "1");
        var t = m.Target(TargetPageKind.AnonDirty);
        Inject(new Einj(m), t.PhysAddr + 0x80);
        var scrubber = new PatrolScrubber(m);
        var expectedNs = (long)((decimal)(t.PhysAddr + 0x80) * 86_400_000_000_000 / m.Memory.Size);

        var found = m.Run(() => scrubber.Run(TimeSpan.FromHours(1))).Value!;

        Assert.Equal([t.PhysAddr + 0x80], found);
        Assert.True(t.Page.IsHwpoison);
        Assert.Equal(expectedNs, m.Log.Lines[0].Nanoseconds);
        Assert.Equal(TimeSpan.FromHours(1).Ticks * 100, m.Clock.Nanoseconds);
        Assert.Equal([new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AO, t.Address!.Value, 12)], t.Owner!.Pending);
        Assert.True(m.Mf().HwMemoryFailure);
    }

    [Fact]
    public void Scrubber_DoesNotReachALineLaterInMemoryYet()
    {
        var m = TestMachine.Boot();
        m.Memory.InjectPoison(0x30000000);
        var scrubber = new PatrolScrubber(m);

        Assert.Empty(m.Run(() => scrubber.Run(TimeSpan.FromHours(12))).Value!);
        Assert.Equal(0x20000000UL, scrubber.Cursor);
        Assert.Equal([0x30000000UL], m.Run(() => scrubber.Run(TimeSpan.FromHours(12))).Value!);
        Assert.Equal(0UL, scrubber.Cursor);
    }

    [Fact]
    public void Trigger_FirmwareReportsItThroughGhesAndTheQueue()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);

        m.Run(() =>
        {
            Inject(new Einj(m), t.PhysAddr, notrigger: 0);
            return 0;
        });

        Assert.Equal([(t.Pfn, MfFlags.None)], m.Mf().Queue.Pending(0));
        Assert.Equal("{1}[Hardware Error]: Hardware error from APEI Generic Hardware Error Source: 1", m.Texts()[0]);
        m.Run(m.Mf().Queue.RunPending);
        Assert.True(t.Page.IsHwpoison);
    }

    [Fact]
    public void FatalTrigger_Panics()
    {
        var m = TestMachine.Boot();

        var run = m.Run(() =>
        {
            Inject(new Einj(m), 0x2000000, Einj.MemoryFatal, notrigger: 0);
            return 0;
        });

        Assert.True(run.Panicked);
    }

    [Fact]
    public void UserLoadOfTheLatentPoison_TheGenericTrapHandsItToMemoryFailureAndTheTaskDies()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);
        Inject(new Einj(m), t.PhysAddr + 0x100);
        var value = new byte[8];

        AccessResult result;
        using (m.CurrentCpu.Enter(t.Owner, CpuMode.User))
        {
            result = m.CurrentCpu.Load(UserLoad, t.Address!.Value + 0x100, value);
        }

        m.ReturnToUser(t.Owner!);

        Assert.Equal(AccessResult.UserTrapped, result);
        Assert.True(t.Page.IsHwpoison);
        Assert.Equal([new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, t.Address!.Value, 12)], t.Owner!.Delivered);
        Assert.Equal(TaskExitState.Killed, t.Owner.ExitState);
    }
}
