namespace KernelModel.Arch.Arm64;

/// <summary>
/// FEAT_MOPS (the CPY* memory-copy instructions) and how the series' copy paths treat it. The kernel picks the
/// MOPS sequence at boot through the ARM64_HAS_MOPS alternative; the series' fixups differ by version.
/// </summary>
public enum Arm64Mops
{
    /// <summary>The CPU has no FEAT_MOPS: every copy takes its ldp/stp path.</summary>
    None,

    /// <summary>
    /// FEAT_MOPS with the v13 code: __memcpy_mc's cpyp/cpym/cpye and copy_page_template.S's cpypwn/cpymwn/cpyewn
    /// carry no exception-table entry ("the fixup of MOPS insn is not considered at present", v13 4/5), so poison
    /// consumed there kills the kernel even after a GHES claim.
    /// </summary>
    V13,

    /// <summary>
    /// FEAT_MOPS with v14 as assumed. The v14 cover letter says only "Added FEAT_MOPS support for the copy_page_mc
    /// paths"; the code is not available. Assumed here: copy_mc_page's CPY* instructions get the same
    /// memory-error entry as its ldp (fixup returns -EFAULT), while memcpy_mc's MOPS variant stays as in v13
    /// (no entry), because the cover letter names only the page-copy paths.
    /// </summary>
    V14Assumed,
}
