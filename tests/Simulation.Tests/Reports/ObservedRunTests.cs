using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;
using KernelModel.Simulation.Simulate;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Simulation.Tests.Reports;

public sealed class ObservedRunTests
{
    private static readonly IServiceProvider Services = KmodelHost.BuildHost([], TextWriter.Null, TextWriter.Null).Services;

    [Fact]
    public void Run_UserLoad_KeepsTheMachineAndIsNotAKernelModeConsumption()
    {
        var observer = Services.GetRequiredService<ScenarioObserver>();

        var run = observer.Run(Services.GetRequiredService<ScenarioCatalog>().Get("user-load-anon"), "riscv64", 1);

        Assert.Equal("SIGBUS", run.Outcome.Summary);
        Assert.Equal("riscv64", run.Machine.Arch.Name);
        Assert.Contains(run.Machine.Traps, t => t is { Kind: TrapKind.HardwareError, Mode: CpuMode.User });
        Assert.False(run.KernelModeConsumption);
        Assert.False(run.KernelDied);
    }

    [Theory]
    [InlineData("riscv64-upstream", true)]
    [InlineData("riscv64", false)]
    public void KernelModeConsumption_AKernelCopyOfAPoisonedPage_IsOneOnBothSidesOfThePatch(string profile, bool dies)
    {
        var machine = Services.GetRequiredService<ProfileCatalog>().Boot(profile, new MachineConfig { MemoryBytes = 256UL << 20 });
        var src = machine.Allocator.AllocFolio(0)!.Value;
        var dst = machine.Allocator.AllocFolio(0)!.Value;
        machine.Memory.InjectPoison(src.Head.PhysAddr + 0x80);
        KernelRun<ulong> copy;
        using (machine.CurrentCpu.Enter(machine.Tasks.CreateProcess("p"), CpuMode.Kernel))
        {
            copy = machine.Run(() => machine.Arch.CopyMc.CopyMcToKernel(machine.PageAddress(dst.Head), machine.PageAddress(src.Head), 4096));
        }

        var outcome = new ScenarioOutcome
        {
            Scenario = "manual", Profile = profile, Seed = 0, Panicked = machine.State == MachineState.Panicked, Oopsed = machine.OopsCount > 0,
            Signals = [], Syscalls = [], Queued = [], MemoryFailures = [], HardwareCorruptedKb = 0, ShortRead = false, Dmesg = [],
        };
        var run = new ObservedRun(outcome, machine);

        Assert.Equal(dies, copy.Died);
        Assert.True(run.KernelModeConsumption);
        Assert.Equal(dies, run.KernelDied);
    }
}
