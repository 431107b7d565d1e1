using KernelModel.Mm;
using KernelModel.Testing;

namespace KernelModel.Arch.X86.Tests;

/// <summary>
/// The copy_mc contract on x86_64 (ERMS, no fragile quirk): copy_mc_to_kernel and copy_mc_to_user are
/// copy_mc_enhanced_fast_string, whose rep movsb reports rcx at the poisoned line's first byte; memcpy panics.
/// </summary>
public sealed class X86CopyMcContractTests : CopyMcContractTests
{
    protected override Machine Boot() => X86Machines.Boot();

    [Fact]
    public void CopyMcToKernel_PoisonMidCopy_ReturnsBytesFromThePoisonedLineStart()
    {
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(256, 0, 32, [100]));

        Assert.False(result.Died);
        Assert.Equal(192, result.Returned);
        Assert.Equal(64, result.Stored);
        var trap = Assert.Single(result.Traps);
        Assert.Equal(CopyMcEnhancedFastString.CopyLoad, trap.Site);
        Assert.Equal(TrapOutcome.Fixup, trap.Outcome);
        Assert.Equal("extable EX_TYPE_DEFAULT_MCE_SAFE -> .E_copy: return rcx", trap.Detail);
    }

    [Fact]
    public void CopyMcToKernel_Recovered_LogsTheEventAndQueuesNoMemoryFailure()
    {
        var probe = Probe;
        var linesBefore = probe.Machine.Log.Lines.Count;

        probe.Run("copy_mc_to_kernel", new CopyCase(4096, 0, 0, [2048]));

        Assert.Equal(["mce: [Hardware Error]: Machine check events logged"], probe.Machine.Log.Lines.Skip(linesBefore).Select(l => l.Text));
        Assert.Equal(MachineState.Running, probe.Machine.State);
    }

    [Fact]
    public void Memcpy_PoisonedSource_PanicsWithTheUnrecoverableKernelSeverity()
    {
        var result = Probe.Run("memcpy", new CopyCase(256, 0, 0, [100]));

        Assert.True(result.Panicked);
        Assert.Equal("Fatal machine check", result.DeathMessage);
        var trap = Assert.Single(result.Traps);
        Assert.Equal(Memcpy.MovsbLoad, trap.Site);
        Assert.Equal(TrapOutcome.Died, trap.Outcome);
    }
}
