// A kernel constant table: each member is named after its kernel macro, which is its documentation.
#pragma warning disable CS1591

namespace KernelModel.Mm;

/// <summary>Flags memory_failure() takes, with the kernel's values (include/linux/mm.h, enum mf_flags).</summary>
[Flags]
[KernelSymbol("include/linux/mm.h", "mf_flags")]
public enum MfFlags
{
    None = 0,
    CountIncreased = 1 << 0,
    ActionRequired = 1 << 1,
    MustKill = 1 << 2,
    SoftOffline = 1 << 3,
    Unpoison = 1 << 4,
    SwSimulated = 1 << 5,
    NoRetry = 1 << 6,
    MemPreRemove = 1 << 7,
}

/// <summary>The kernel's spelling of <see cref="MfFlags"/>.</summary>
public static class MfFlagsExtensions
{
    private static readonly (MfFlags Bit, string Name)[] BitNames =
    [
        (MfFlags.CountIncreased, "MF_COUNT_INCREASED"), (MfFlags.ActionRequired, "MF_ACTION_REQUIRED"),
        (MfFlags.MustKill, "MF_MUST_KILL"), (MfFlags.SoftOffline, "MF_SOFT_OFFLINE"), (MfFlags.Unpoison, "MF_UNPOISON"),
        (MfFlags.SwSimulated, "MF_SW_SIMULATED"), (MfFlags.NoRetry, "MF_NO_RETRY"), (MfFlags.MemPreRemove, "MF_MEM_PRE_REMOVE"),
    ];

    /// <summary>"0" or e.g. "MF_ACTION_REQUIRED|MF_MUST_KILL".</summary>
    public static string ToKernelString(this MfFlags flags) =>
        flags == MfFlags.None ? "0" : string.Join('|', BitNames.Where(b => (flags & b.Bit) != 0).Select(b => b.Name));
}
