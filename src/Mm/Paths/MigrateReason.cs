// A kernel constant table: each member is named after its kernel macro, which is its documentation.
#pragma warning disable CS1591

namespace KernelModel.Mm;

/// <summary>enum migrate_reason (include/linux/migrate_mode.h), with the kernel's values (MR_DAMON as of v6.11).</summary>
[KernelSymbol("include/linux/migrate_mode.h", "migrate_reason")]
public enum MigrateReason
{
    Compaction,
    MemoryFailure,
    MemoryHotplug,
    Syscall,
    MempolicyMbind,
    NumaMisplaced,
    ContigRange,
    LongtermPin,
    Demotion,
    Damon,
}
