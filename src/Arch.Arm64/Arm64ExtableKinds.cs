using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// The two entry kinds the modelled routines emit, as the profile's tree numbers them: USER() (uaccess
/// instructions, EX_TYPE_UACCESS_ERR_ZERO with err and zero both wzr) and the series' KERNEL_MEM_ERR()
/// (kernel loads that may consume poison). The builders make the table rows.
/// </summary>
/// <param name="UaccessErrZero">The type behind USER() / _asm_extable_uaccess.</param>
/// <param name="KernelMemErr">The type behind KERNEL_MEM_ERR() / _asm_extable_kaccess_mem_err.</param>
/// <param name="MemErrMarkerAssumed">
/// Whether the memory-error-only property is the assumed v14 marker on a reused type (rather than a type of its own).
/// </param>
internal sealed record Arm64ExtableKinds(Arm64ExtableType UaccessErrZero, Arm64ExtableType KernelMemErr, bool MemErrMarkerAssumed)
{
    /// <summary>The kinds of an options set.</summary>
    public static Arm64ExtableKinds For(Arm64Options options)
    {
        var table = Arm64ExtableTypes.For(options);
        var v13 = options.MemErrExtable == Arm64MemErrExtable.V13KaccessErrZeroMemErr;
        return new(Arm64ExtableTypes.Get(table, "EX_TYPE_UACCESS_ERR_ZERO"),
            Arm64ExtableTypes.Get(table, v13 ? "EX_TYPE_KACCESS_ERR_ZERO_MEM_ERR" : "EX_TYPE_KACCESS_ERR_ZERO"),
            !v13);
    }

    /// <summary>USER(fixup, insn).</summary>
    [KernelSymbol("arch/arm64/include/asm/asm-uaccess.h", "USER")]
    public ExtableEntry User(CodeSite site, string fixup) => new(site, UaccessErrZero.Name, UaccessErrZero.Value, fixup);

    /// <summary>KERNEL_MEM_ERR(fixup, insn).</summary>
    [KernelSymbol("arch/arm64/include/asm/asm-uaccess.h", "KERNEL_MEM_ERR")]
    public ExtableEntry MemErr(CodeSite site, string fixup) =>
        new(site, KernelMemErr.Name, KernelMemErr.Value, MemErrMarkerAssumed ? fixup + " [memory-error-only marker, assumed]" : fixup);
}
