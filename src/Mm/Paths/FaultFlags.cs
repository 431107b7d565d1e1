// A kernel constant table: each member is named after its kernel macro, which is its documentation.
#pragma warning disable CS1591

namespace KernelModel.Mm;

/// <summary>The fault flags the paths pass (include/linux/mm_types.h, enum fault_flag), with the kernel's values.</summary>
[Flags]
[KernelSymbol("include/linux/mm_types.h", "fault_flag")]
public enum FaultFlags : uint
{
    None = 0,
    Write = 1 << 0,
    User = 1 << 6,
}
