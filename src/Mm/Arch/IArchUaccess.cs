namespace KernelModel.Mm;

/// <summary>
/// The user-access contract (arch/*/include/asm/uaccess.h and futex.h): the architecture's own routines for the
/// kernel reading and writing user memory, each with its exception-table entries. Which faults on them recover
/// (a page fault, a consumed poisoned line) is the architecture's trap decision, never the caller's. Kernel
/// addresses are linear-map addresses; user addresses lie in the current task's mm. Everything runs on the
/// machine's current CPU in kernel mode. Errors are 0 or a negative errno, as in the kernel.
/// </summary>
public interface IArchUaccess
{
    /// <summary>access_ok(addr, size): the whole range lies in user space (below TASK_SIZE_MAX), without wrapping.</summary>
    bool AccessOk(ulong addr, ulong size);

    /// <summary>raw_copy_from_user(to, from, n): 0, or the bytes not copied as the routine counts them at its fixup.</summary>
    ulong RawCopyFromUser(ulong to, ulong from, ulong n);

    /// <summary>raw_copy_to_user(to, from, n): 0, or the bytes not copied as the routine counts them at its fixup.</summary>
    ulong RawCopyToUser(ulong to, ulong from, ulong n);

    /// <summary>
    /// get_user(x, ptr) of <paramref name="size"/> bytes (1, 2, 4 or 8): the architecture's range check, then the
    /// load; 0, or -EFAULT with <paramref name="value"/> zeroed.
    /// </summary>
    int GetUser(ulong uaddr, int size, out ulong value);

    /// <summary>__get_user(x, ptr): the load without the range check (the caller checked); 0 or -EFAULT.</summary>
    int GetUserNocheck(ulong uaddr, int size, out ulong value);

    /// <summary>put_user(x, ptr) of <paramref name="size"/> bytes (1, 2, 4 or 8): 0 or -EFAULT.</summary>
    int PutUser(ulong uaddr, int size, ulong value);

    /// <summary>
    /// futex_atomic_cmpxchg_inatomic(uval, uaddr, oldval, newval): the word is compared with <paramref name="oldval"/>
    /// and replaced by <paramref name="newval"/> when equal, atomically; 0 with the value found, -EFAULT, or -ENOSYS
    /// where the architecture has no SMP-safe futex atomics.
    /// </summary>
    int FutexAtomicCmpxchgInatomic(ulong uaddr, uint oldval, uint newval, out uint uval);

    /// <summary>
    /// arch_futex_atomic_op_inuser(op, oparg, oval, uaddr): FUTEX_WAKE_OP's atomic read-modify-write of the word;
    /// 0 with the old value, -EFAULT, or -ENOSYS.
    /// </summary>
    int ArchFutexAtomicOpInuser(FutexOp op, int oparg, ulong uaddr, out int oval);
}
