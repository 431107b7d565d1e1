namespace KernelModel.Arch.RiscV;

/// <summary>
/// The copy_mc routines with the seed patch (arch/riscv/include/asm/uaccess.h, CONFIG_ARCH_HAS_COPY_MC selected
/// unconditionally): copy_mc_to_kernel is memcpy_mc, copy_mc_to_user is raw_copy_to_user (no new code, no
/// access_ok; the iov_iter caller checked). The page helpers are the generic ones in include/linux/highmem.h.
/// </summary>
public sealed class RiscVCopyMc : IArchCopyMc
{
    private readonly MemcpyMc _memcpyMc;
    private readonly AsmCopyToUser _copyToUser;

    /// <summary>The routines for a machine with SZREG <paramref name="szreg"/>.</summary>
    public RiscVCopyMc(Machine machine, int szreg)
    {
        _memcpyMc = new MemcpyMc(machine, szreg);
        _copyToUser = new AsmCopyToUser(machine, szreg);
        Memcpy = new Memcpy(machine, szreg);
    }

    /// <summary>Every entry of these routines: memcpy_mc's and __asm_copy_to_user's.</summary>
    public static ExceptionTable Extable { get; } = MemcpyMc.Extable.Concat(AsmCopyToUser.Extable);

    /// <summary>The plain memcpy of the same kernel.</summary>
    public Memcpy Memcpy { get; }

    /// <inheritdoc />
    public bool HasArchCopyMc => true;

    /// <inheritdoc />
    public IArchHighpageCopy? HighpageOverride => null;

    /// <summary>copy_mc_to_kernel(): memcpy_mc(), so 0 or a2 at the fault.</summary>
    [KernelSymbol("arch/riscv/include/asm/uaccess.h", "copy_mc_to_kernel")]
    public ulong CopyMcToKernel(ulong dst, ulong src, ulong len) => _memcpyMc.Run(dst, src, len);

    /// <summary>copy_mc_to_user(): raw_copy_to_user(), so 0 or exactly the bytes not stored.</summary>
    [KernelSymbol("arch/riscv/include/asm/uaccess.h", "copy_mc_to_user")]
    [KernelSymbol("arch/riscv/include/asm/uaccess.h", "raw_copy_to_user")]
    public ulong CopyMcToUser(ulong udst, ulong src, ulong len) => _copyToUser.Run(udst, src, len);
}
