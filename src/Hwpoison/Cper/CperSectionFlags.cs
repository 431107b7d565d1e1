// A kernel constant table: each member is named after its kernel macro, which is its documentation.
#pragma warning disable CS1591

using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>The flags of a CPER section descriptor / generic error data entry (include/linux/cper.h, CPER_SEC_*).</summary>
[Flags]
[KernelSymbol("include/linux/cper.h", "CPER_SEC_ERROR_THRESHOLD_EXCEEDED")]
public enum CperSectionFlags : byte
{
    None = 0,
    Primary = 0x01,
    ContainmentWarning = 0x02,
    Reset = 0x04,
    ErrorThresholdExceeded = 0x08,
    ResourceNotAccessible = 0x10,
    LatentError = 0x20,
}
