namespace KernelModel.Arch.RiscV;

/// <summary>
/// RISC-V without the seed patch: no ARCH_HAS_COPY_MC, so the generic fallbacks of include/linux/uaccess.h run on
/// RISC-V's own routines. copy_mc_to_kernel is memcpy() and returns 0; RISC-V's memcpy is __memcpy, whose sites
/// have no exception-table entries, so consumed poison kills the kernel. copy_mc_to_user is the generic fallback
/// of the arm64 series' patch 1, copy_to_user(), which on RISC-V is access_ok() then raw_copy_to_user():
/// __asm_copy_to_user, whose loads carry EX_TYPE_FIXUP entries, and RISC-V's trap fixes up any entry. So that
/// copy survives poison in its kernel source and returns the bytes not stored even before the seed patch.
/// </summary>
public sealed class RiscVUpstreamCopyMc : IArchCopyMc
{
    private readonly Machine _machine;
    private readonly AsmCopyToUser _copyToUser;

    /// <summary>The routines for a machine with SZREG <paramref name="szreg"/>.</summary>
    public RiscVUpstreamCopyMc(Machine machine, int szreg)
    {
        _machine = machine;
        _copyToUser = new AsmCopyToUser(machine, szreg);
        Memcpy = new Memcpy(machine, szreg);
    }

    /// <summary>The only entries: __asm_copy_to_user's.</summary>
    public static ExceptionTable Extable => AsmCopyToUser.Extable;

    /// <summary>memcpy(): __memcpy.</summary>
    public Memcpy Memcpy { get; }

    /// <inheritdoc />
    public bool HasArchCopyMc => false;

    /// <inheritdoc />
    public IArchHighpageCopy? HighpageOverride => null;

    /// <summary>copy_mc_to_kernel() without an architecture backend: memcpy(), then 0.</summary>
    [KernelSymbol("include/linux/uaccess.h", "copy_mc_to_kernel")]
    public ulong CopyMcToKernel(ulong dst, ulong src, ulong len)
    {
        Memcpy.Run(dst, src, len);
        return 0;
    }

    /// <summary>copy_mc_to_user() fallback: copy_to_user(), which refuses a range outside user space whole.</summary>
    [KernelSymbol("include/linux/uaccess.h", "copy_to_user")]
    public ulong CopyMcToUser(ulong udst, ulong src, ulong len)
    {
        var taskSize = _machine.Arch.TaskSize;
        return udst >= taskSize || len > taskSize - udst ? len : _copyToUser.Run(udst, src, len);
    }
}
