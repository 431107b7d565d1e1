// A kernel constant table: each member is named after its kernel macro, which is its documentation.
#pragma warning disable CS1591

namespace KernelModel.Mm;

/// <summary>The futex(2) operation word's commands and flags, with the kernel's values (include/uapi/linux/futex.h).</summary>
[KernelSymbol("include/uapi/linux/futex.h", "FUTEX_WAIT")]
public static class FutexCmd
{
    public const int FUTEX_WAIT = 0;
    public const int FUTEX_WAKE = 1;
    public const int FUTEX_PRIVATE_FLAG = 128;
    public const int FUTEX_CLOCK_REALTIME = 256;
    public const int FUTEX_CMD_MASK = ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
}
