using KernelModel.Mm;

namespace KernelModel.Arch.X86.Tests;

/// <summary>error_context() and mce_severity() on the model's sites, checked against severity.c's rules.</summary>
public sealed class MceSeverityTests
{
    private static readonly CodeSite UserLoad = new("user program", "movq (%rax),%rdx", SiteAccess.Load);

    private static (MceErrorContext Context, MceKflags Kflags, MceSeverityLevel Severity, string Msg, ulong? Vaddr) Grade(CodeSite site, bool userAddress, CpuMode mode = CpuMode.Kernel, X86Options? options = null)
    {
        var m = X86Machines.Boot(options);
        var handler = m.X86().X86Trap.MachineCheck;
        var va = userAddress ? 0x7f00_0000_1040UL : m.PhysToVirt(0x300_0040);
        var error = new HardwareErrorEvent(site, va, 0x300_0040, mode);
        var record = handler.GatherInfo(error);
        var context = handler.Severity.ErrorContext(handler.GatherInfo(error), error);
        var severity = handler.Severity.Grade(record, error, isExcp: true, out var msg);
        return (context, record.Kflags, severity, msg, record.McVaddr);
    }

    [Fact]
    public void Grade_UserModeLoad_InUserActionRequired()
    {
        var g = Grade(UserLoad, userAddress: true, CpuMode.User);

        Assert.Equal((MceErrorContext.InUser, MceKflags.None, MceSeverityLevel.Ar, "Action required: data load error in a user process", (ulong?)null), g);
    }

    [Fact]
    public void Grade_CopyMcFragileRead_KernelRecoverable()
    {
        var g = Grade(CopyMcFragile.ReadWords, userAddress: false);

        Assert.Equal((MceErrorContext.InKernelRecov, MceKflags.InKernelRecov, MceSeverityLevel.Ar, "Action required: data load in error recoverable area of kernel", (ulong?)null), g);
    }

    [Fact]
    public void Grade_UaccessLoadOfAUserAddress_CopyinAndRecoverable()
    {
        var g = Grade(CopyUserGeneric.TailLoad, userAddress: true);

        Assert.Equal((MceErrorContext.InKernelRecov, MceKflags.InKernelRecov | MceKflags.InKernelCopyin, MceSeverityLevel.Ar,
            "Action required: data load in error recoverable area of kernel", (ulong?)0x7f00_0000_1040UL), g);
    }

    [Fact]
    public void Grade_UaccessLoadOfAKernelAddress_InKernelPanic()
    {
        // copy_to_user / copy_mc_to_user's copy_user_generic reads kernel memory at the same sites.
        var g = Grade(CopyUserGeneric.InlineMovsbLoad, userAddress: false);

        Assert.Equal((MceErrorContext.InKernel, MceKflags.None, MceSeverityLevel.Panic, "Data load in unrecoverable area of kernel", (ulong?)null), g);
    }

    [Fact]
    public void Grade_PlainDefaultStoreSiteEntry_InKernel()
    {
        var g = Grade(CopyMcFragile.WriteWords, userAddress: false);

        Assert.Equal(MceErrorContext.InKernel, g.Context);
        Assert.Equal(MceSeverityLevel.Panic, g.Severity);
    }

    [Fact]
    public void Grade_NoExtableEntry_InKernel()
    {
        Assert.Equal(MceErrorContext.InKernel, Grade(Memcpy.MovsbLoad, userAddress: false).Context);
    }

    [Fact]
    public void Grade_LockCmpxchgOfAUserAddress_InKernelBecauseTheDecoderRejectsIt()
    {
        var g = Grade(X86Uaccess.FutexCmpxchgLoad, userAddress: true);

        Assert.Equal((MceErrorContext.InKernel, MceKflags.None, MceSeverityLevel.Panic), (g.Context, g.Kflags, g.Severity));
    }

    [Theory]
    [InlineData(true, MceErrorContext.InKernelRecov)]
    [InlineData(false, MceErrorContext.InKernel)]
    public void Grade_EfaultRegGetUser_DependsOnThe2025Fix(bool fix, MceErrorContext expected)
    {
        Assert.Equal(expected, Grade(X86Uaccess.GetUserLoad, userAddress: true, options: new X86Options { EfaultRegCopyin = fix }).Context);
    }

    [Fact]
    public void Grade_UaccessBeforeCopyinRecovery_InKernel()
    {
        Assert.Equal(MceErrorContext.InKernel, Grade(CopyUserGeneric.TailLoad, userAddress: true, options: new X86Options { CopyinRecovery = CopyinRecovery.None }).Context);
    }

    [Fact]
    public void Grade_WithoutRestartIp_InKernelAndNoRestartIp()
    {
        var g = Grade(CopyMcFragile.ReadWords, userAddress: false, options: new X86Options { RestartIpValid = false });

        Assert.Equal((MceErrorContext.InKernel, MceSeverityLevel.Panic, "In kernel and no restart IP"), (g.Context, g.Severity, g.Msg));
    }

    [Fact]
    public void GatherInfo_DataLoadSrar_HasTheKernelsRegisterValues()
    {
        var m = X86Machines.Boot();
        var record = m.X86().X86Trap.MachineCheck.GatherInfo(new HardwareErrorEvent(UserLoad, 0x7f00_0000_1045, 0x300_0045, CpuMode.User));

        // VAL|UC|EN|MISCV|ADDRV|S|AR with MCACOD 0x134; MISC: LSB 6, physical address mode 2.
        Assert.Equal(0xbd80_0000_0000_0134UL, record.Status);
        Assert.Equal(0x86UL, record.Misc);
        Assert.Equal(0x300_0040UL, record.Addr);
        Assert.Equal(0x7UL, record.McgStatus);
        Assert.Equal(0x33, record.Cs);
        Assert.True(MachineCheck.MceUsableAddress(record));
    }

    [Fact]
    public void Severities_TableOrder_EndsWithNoMatchAndKeepsTheKernelRowCount()
    {
        Assert.Equal(27, MceSeverity.Severities.Count);
        Assert.Equal("Invalid", MceSeverity.Severities[0].Msg);
        Assert.Equal("No match", MceSeverity.Severities[^1].Msg);
        Assert.Equal(6, MceSeverity.Severities.Count(s => s.MemoryFailureOnly));
    }
}
