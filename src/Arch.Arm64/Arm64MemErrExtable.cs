namespace KernelModel.Arch.Arm64;

/// <summary>
/// Which exception-table kind the series puts on its memory-error-only sites (KERNEL_MEM_ERR): the v13 code's
/// own type, or the v14 reuse of EX_TYPE_KACCESS_ERR_ZERO that the reference marks [unverified].
/// </summary>
public enum Arm64MemErrExtable
{
    /// <summary>
    /// v13 2/5: EX_TYPE_KACCESS_ERR_ZERO_MEM_ERR = 5, on the extable numbering before the FEAT_MOPS uaccess work
    /// (LOAD_UNALIGNED_ZEROPAD = 4). fixup_exception() returns false for it; fixup_exception_me() takes it.
    /// </summary>
    V13KaccessErrZeroMemErr,

    /// <summary>
    /// v14 as assumed: the entry reuses EX_TYPE_KACCESS_ERR_ZERO (3) on the current numbering (UACCESS_CPY = 4,
    /// LOAD_UNALIGNED_ZEROPAD = 5), as the RISC-V seed's remark and Catalin's v13 review suggest. Assumed further:
    /// the entry is marked memory-error-only so that fixup_exception() still ignores an ordinary fault there,
    /// because the v14 cover letter repeats the test "copy_to/from_user() access kernel NULL pointer ... then
    /// die()".
    /// </summary>
    V14KaccessErrZeroReuseAssumed,
}
