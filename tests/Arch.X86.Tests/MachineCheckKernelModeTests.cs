using KernelModel.Mm;
using Moq;

namespace KernelModel.Arch.X86.Tests;

/// <summary>
/// Kernel-mode consumption: MCE-safe sites (copy_mc_*) are fixed up with no task work; a site without an
/// MCE-safe entry grades IN_KERNEL and panics through mce_panic with the severity message first.
/// </summary>
public sealed class MachineCheckKernelModeTests
{
    private const string EventsLogged = "mce: [Hardware Error]: Machine check events logged";
    private readonly Mock<IMemoryFailure> _memoryFailure = new();

    private static (Machine Machine, ulong Dst, ulong Src, KernelRun<ulong> Run) CopyPoisonedPage(Machine m, Func<Machine, ulong, ulong, ulong> copy)
    {
        var src = m.Allocator.AllocFolio(0)!.Value;
        var dst = m.Allocator.AllocFolio(0)!.Value;
        m.Memory.InjectPoison(src.Head.PhysAddr + 130);
        var task = m.Tasks.CreateProcess("reader");
        KernelRun<ulong> run;
        using (m.CurrentCpu.Enter(task, CpuMode.Kernel))
        {
            run = m.Run(() => copy(m, m.PageAddress(dst.Head), m.PageAddress(src.Head)));
        }

        return (m, m.PageAddress(dst.Head), m.PageAddress(src.Head), run);
    }

    private static ulong CopyMcToKernel(Machine m, ulong dst, ulong src) => m.Arch.CopyMc.CopyMcToKernel(dst, src, PhysicalMemory.PageSize);

    private static ulong Memcpy(Machine m, ulong dst, ulong src)
    {
        m.X86().X86CopyMc.Memcpy.Copy(dst, src, PhysicalMemory.PageSize);
        return 0;
    }

    [Fact]
    public void CopyMcToKernel_PoisonedSource_FixesUpWithNoTaskWorkAndNoMemoryFailure()
    {
        var (m, _, _, run) = CopyPoisonedPage(X86Machines.Boot(memoryFailure: _memoryFailure.Object), CopyMcToKernel);

        Assert.True(run.Completed);
        Assert.Equal(4096UL - 128, run.Value);
        Assert.Equal([EventsLogged], m.Console());
        Assert.All(m.Tasks.All, t => Assert.Empty(t.TaskWork));
        _memoryFailure.VerifyNoOtherCalls();
        var trap = Assert.Single(m.Traps);
        Assert.Equal("extable EX_TYPE_DEFAULT_MCE_SAFE -> .E_copy: return rcx", trap.Detail);
    }

    [Fact]
    public void Memcpy_PoisonedSource_PrintsTheSeverityThenPanicsFatalMachineCheck()
    {
        var (m, _, _, run) = CopyPoisonedPage(X86Machines.Boot(), Memcpy);

        Assert.True(run.Panicked);
        Assert.Equal("Fatal machine check", run.DeathMessage);
        Assert.Equal(
            [
                EventsLogged,
                "mce: [Hardware Error]: Machine check: Data load in unrecoverable area of kernel",
                "Kernel panic - not syncing: Fatal machine check",
                "---[ end Kernel panic - not syncing: Fatal machine check ]---",
            ],
            m.Console());
    }

    [Fact]
    public void Memcpy_LocalMachineCheck_PanicsFatalLocalMachineCheckBeforeLogging()
    {
        var (m, _, _, run) = CopyPoisonedPage(X86Machines.Boot(new X86Options { LocalMachineCheck = true }), Memcpy);

        Assert.Equal("Fatal local machine check", run.DeathMessage);
        Assert.Equal(
            [
                "mce: [Hardware Error]: Machine check: Data load in unrecoverable area of kernel",
                "Kernel panic - not syncing: Fatal local machine check",
                "---[ end Kernel panic - not syncing: Fatal local machine check ]---",
            ],
            m.Console());
    }

    [Fact]
    public void CopyMcToKernel_NoRestartIp_PanicsInKernelAndNoRestartIp()
    {
        var (m, _, _, run) = CopyPoisonedPage(X86Machines.Boot(new X86Options { RestartIpValid = false }), CopyMcToKernel);

        Assert.True(run.Panicked);
        Assert.Contains("mce: [Hardware Error]: Machine check: In kernel and no restart IP", m.Console());
    }

    [Fact]
    public void CopyMcToKernel_WithoutMemoryFailure_PanicsActionRequiredUnknownMcacod()
    {
        // CONFIG_MEMORY_FAILURE=n compiles the action-required rows out of severities[].
        var (m, _, _, run) = CopyPoisonedPage(X86Machines.BootWithoutMemoryFailure(), CopyMcToKernel);

        Assert.Equal("Fatal machine check", run.DeathMessage);
        Assert.Contains("mce: [Hardware Error]: Machine check: Action required: unknown MCACOD", m.Console());
    }

    [Fact]
    public void CopyMcToKernel_NoErmsNoQuirk_IsAPlainMemcpyThatPanics()
    {
        var (_, _, _, run) = CopyPoisonedPage(X86Machines.Boot(new X86Options { Erms = false }), CopyMcToKernel);

        Assert.True(run.Panicked);
    }

    [Fact]
    public void DoMachineCheck_PlainDefaultEntry_GradesInKernelAndPanicsWithTheSeverityMessage()
    {
        var m = X86Machines.Boot();
        var site = new CodeSite("test_plain_extable", "1: movq (%rsi),%rax", SiteAccess.Load);
        var table = new ExceptionTable([X86Extable.Entry(site, ExType.Default, "2:")]);
        var options = new X86Options();
        var severity = new MceSeverity(table, new Dictionary<CodeSite, X86Instruction> { [site] = new(site, X86Instruction.MovLoad, "movq (%rsi),%rax") },
            options, m.Arch.TaskSize, () => true);
        var handler = new MachineCheck(m, severity, new X86ExceptionFixup(m, table, options), options);
        var error = new HardwareErrorEvent(site, m.PhysToVirt(0x200_0000), 0x200_0000, CpuMode.Kernel);

        Assert.Equal(MceErrorContext.InKernel, severity.ErrorContext(handler.GatherInfo(error), error));
        var run = m.Run(() => handler.DoMachineCheck(m.CurrentCpu, error));

        Assert.Equal("Fatal machine check", run.DeathMessage);
        Assert.Equal("mce: [Hardware Error]: Machine check: Data load in unrecoverable area of kernel", m.Console()[1]);
    }

    [Fact]
    public void DoMachineCheck_FixupFindsNoEntry_PanicsFailedKernelModeRecovery()
    {
        // error_context grades m->ip; fixup_exception searches regs->ip. Give the second an empty table.
        var m = X86Machines.Boot();
        var x86 = m.X86();
        var severity = new MceSeverity(x86.Extable, x86.Instructions, x86.Options, m.Arch.TaskSize, () => true);
        var handler = new MachineCheck(m, severity, new X86ExceptionFixup(m, ExceptionTable.Empty, x86.Options), x86.Options);
        var error = new HardwareErrorEvent(CopyMcFragile.ReadWords, m.PhysToVirt(0x200_0000), 0x200_0000, CpuMode.Kernel);

        var run = m.Run(() => handler.DoMachineCheck(m.CurrentCpu, error));

        Assert.Equal("Failed kernel mode recovery", run.DeathMessage);
        Assert.Equal(
            [
                EventsLogged,
                "mce: [Hardware Error]: Machine check: Action required: data load in error recoverable area of kernel",
                "Kernel panic - not syncing: Failed kernel mode recovery",
                "---[ end Kernel panic - not syncing: Failed kernel mode recovery ]---",
            ],
            m.Console());
    }
}
