// A kernel constant table: each member is named after its kernel macro, which is its documentation.
#pragma warning disable CS1591

using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>CPER error severities (include/linux/cper.h, CPER_SEV_*), with the kernel's values.</summary>
[KernelSymbol("include/linux/cper.h", "CPER_SEV_RECOVERABLE")]
public enum CperSeverity : uint
{
    Recoverable = 0,
    Fatal = 1,
    Corrected = 2,
    Informational = 3,
}
