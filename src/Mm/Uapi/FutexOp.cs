// A kernel constant table: each member is named after its kernel macro, which is its documentation.
#pragma warning disable CS1591

namespace KernelModel.Mm;

/// <summary>
/// The operations of FUTEX_WAKE_OP's encoded op word that arch_futex_atomic_op_inuser() performs, with the
/// kernel's values (include/uapi/linux/futex.h, FUTEX_OP_SET ... FUTEX_OP_XOR).
/// </summary>
[KernelSymbol("include/uapi/linux/futex.h", "FUTEX_OP_SET")]
public enum FutexOp
{
    Set = 0,
    Add = 1,
    Or = 2,
    Andn = 3,
    Xor = 4,
}
