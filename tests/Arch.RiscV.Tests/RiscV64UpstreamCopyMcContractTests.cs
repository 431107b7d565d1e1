namespace KernelModel.Arch.RiscV.Tests;

/// <summary>
/// The copy_mc contract on riscv64-upstream (no seed patch): copy_mc_to_kernel is memcpy and consumed poison kills
/// the kernel, while copy_mc_to_user (copy_to_user, whose loads have entries) already survives on RISC-V.
/// </summary>
public sealed class RiscV64UpstreamCopyMcContractTests : CopyMcContractTests
{
    protected override Machine Boot() => RiscVMachines.Boot(RiscVServiceCollectionExtensions.Riscv64Upstream);

    [Fact]
    public void CopyRoutines_Upstream_OnlyCopyMcToUserRecovers()
    {
        var routines = Probe.Machine.Arch.CopyRoutines.ToDictionary(r => r.Name, r => r.RecoversPoison);

        Assert.Equal(new Dictionary<string, bool> { ["copy_mc_to_kernel"] = false, ["copy_mc_to_user"] = true, ["memcpy"] = false }, routines);
        Assert.False(Probe.Machine.Arch.CopyMc.HasArchCopyMc);
    }

    [Fact]
    public void CopyMcToKernel_PoisonedPage_PanicsWithTheLoadAccessFaultOops()
    {
        var machines = new List<Machine>();
        var probe = new CopyProbe(() =>
        {
            var m = Boot();
            machines.Add(m);
            return m;
        });

        var result = probe.Run("copy_mc_to_kernel", new CopyCase(4096, 0, 0, [2048]));

        Assert.True(result.Panicked);
        Assert.Equal("Fatal exception in interrupt", result.DeathMessage);
        Assert.Equal(2048, result.Stored);
        var trap = Assert.Single(result.Traps);
        Assert.Equal(Memcpy.Sites.BulkLoad[0], trap.Site);
        Assert.Equal(TrapOutcome.Died, trap.Outcome);
        Assert.Equal(MachineState.Panicked, machines[0].State);
        Assert.Equal(
            ["Oops - load access fault [#1]", "Kernel panic - not syncing: Fatal exception in interrupt", "---[ end Kernel panic - not syncing: Fatal exception in interrupt ]---"],
            machines[0].Log.Lines.Select(l => l.Text));
    }

    [Fact]
    public void CopyMcToUser_PoisonedSource_ReturnsExactlyTheBytesNotStored()
    {
        var result = Probe.Run("copy_mc_to_user", new CopyCase(1024, 0, 0, [600]));

        Assert.False(result.Died);
        Assert.Equal(576, result.Stored);
        Assert.Equal(448, result.Returned);
    }

    [Fact]
    public void CopyMcToUser_DestinationOutsideUserSpace_ReturnsLenWithoutTouchingMemory()
    {
        var machine = Probe.Machine;
        var src = machine.Allocator.AllocFolio(0)!.Value;

        var left = machine.Arch.CopyMc.CopyMcToUser(machine.Arch.TaskSize - 8, machine.PageAddress(src.Head), 16);

        Assert.Equal(16UL, left);
        Assert.Empty(machine.Traps);
    }
}
