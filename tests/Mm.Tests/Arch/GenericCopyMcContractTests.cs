namespace KernelModel.Mm.Tests.Arch;

/// <summary>The copy_mc contract on the generic fallback: clean copies are exact; consumed poison kills the kernel.</summary>
public sealed class GenericCopyMcContractTests : CopyMcContractTests
{
    protected override Machine Boot() => MachineFactory.Generic();

    [Fact]
    public void CopyMcToKernel_PoisonedSource_TheKernelDiesAndTheTaskIsKilled()
    {
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(256, 0, 0, [100]));

        Assert.True(result.Died);
        Assert.False(result.Panicked);
        Assert.Equal(64, result.FirstPoison);
        Assert.Equal(64, result.Stored);
        var trap = Assert.Single(result.Traps);
        Assert.Equal(TrapKind.HardwareError, trap.Kind);
        Assert.Equal(TrapOutcome.Died, trap.Outcome);
        Assert.Equal(GenericCopyMc.MemcpyLoad, trap.Site);
    }

    [Fact]
    public void CopyMcToKernel_PoisonedSourceWithPanicOnOops_Panics()
    {
        var probe = new CopyProbe(() =>
        {
            var m = MachineFactory.Generic();
            m.Sysctl.Set("kernel.panic_on_oops", "1");
            return m;
        });

        var result = probe.Run("copy_mc_to_kernel", new CopyCase(4096, 0, 0, [0]));

        Assert.True(result.Panicked);
        Assert.Equal("Fatal exception", result.DeathMessage);
    }

    [Fact]
    public void CopyMcToKernel_PoisonedSourceInInterrupt_PanicsWithTheInterruptMessage()
    {
        var m = MachineFactory.Generic();
        var src = m.Allocator.AllocFolio(0)!.Value;
        var dst = m.Allocator.AllocFolio(0)!.Value;
        m.Memory.InjectPoison(src.Head.PhysAddr + 128);
        var cpu = m.CurrentCpu;

        KernelRun<ulong> run;
        using (cpu.EnterInterrupt())
        {
            run = m.Run(() => m.Arch.CopyMc.CopyMcToKernel(m.PageAddress(dst.Head), m.PageAddress(src.Head), 4096));
        }

        Assert.True(run.Panicked);
        Assert.Equal(MachineState.Panicked, m.State);
        Assert.Contains(m.Log.Lines, l => l.Text == "Kernel panic - not syncing: Fatal exception in interrupt");
    }
}
