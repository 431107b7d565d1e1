using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Uaccess;

/// <summary>
/// The futex paths that read the futex word (kernel/futex/core.c, waitwake.c). FUTEX_WAIT reads it twice when the
/// first read fails: futex_get_value_locked() with page faults disabled (the architecture's __get_user), then, after
/// dropping the hash-bucket lock, get_user() with faults enabled to fault the page in, and retries; if get_user fails
/// too the syscall returns -EFAULT. A poisoned word is therefore consumed twice before the syscall returns. The
/// atomic read-modify-write of the word (FUTEX_WAKE_OP, the PI operations) is the architecture's futex atomics
/// (<see cref="IArchUaccess.ArchFutexAtomicOpInuser"/>, <see cref="IArchUaccess.FutexAtomicCmpxchgInatomic"/>), with
/// exception-table entries of their own.
/// </summary>
public static class Futex
{
    /// <summary>futex_get_value_locked(dest, from): __get_user with page faults disabled; 0 or -EFAULT.</summary>
    [KernelSymbol("kernel/futex/core.c", "futex_get_value_locked")]
    public static int GetValueLocked(Machine machine, out uint value, ulong from)
    {
        using var trace = machine.Tracer.Enter("futex_get_value_locked");
        var ret = machine.Arch.Uaccess.GetUserNocheck(from, sizeof(uint), out var v);
        value = (uint)v;
        return ret;
    }

    /// <summary>
    /// do_futex(uaddr, op, val, timeout): FUTEX_WAIT and FUTEX_WAKE (with or without FUTEX_PRIVATE_FLAG). FUTEX_WAKE
    /// reads no memory and, with no waiter modelled, wakes 0 tasks.
    /// </summary>
    /// <exception cref="ArgumentException">Another command (not modelled), or a FUTEX_WAIT that would sleep without a timeout.</exception>
    [KernelSymbol("kernel/futex/syscalls.c", "do_futex")]
    public static long DoFutex(Machine machine, ulong uaddr, int op, uint val, TimeSpan? timeout)
    {
        var cmd = op & FutexCmd.FUTEX_CMD_MASK;
        if ((op & FutexCmd.FUTEX_CLOCK_REALTIME) != 0 && cmd is FutexCmd.FUTEX_WAIT or FutexCmd.FUTEX_WAKE)
        {
            return -Errno.ENOSYS;
        }

        return cmd switch
        {
            FutexCmd.FUTEX_WAIT => FutexWait(machine, uaddr, val, timeout),
            FutexCmd.FUTEX_WAKE => GetFutexKey(machine, uaddr),
            _ => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"futex op {op}: not modelled (FUTEX_WAIT = 0 and FUTEX_WAKE = 1, optionally | FUTEX_PRIVATE_FLAG = 128, are)"), nameof(op)),
        };
    }

    /// <summary>
    /// futex_wait(): futex_wait_setup, then sleep until woken or timed out. With no waker modelled, a word equal to
    /// <paramref name="val"/> sleeps for the timeout (virtual time) and returns -ETIMEDOUT.
    /// </summary>
    /// <exception cref="ArgumentException">The task would sleep and no timeout was given.</exception>
    [KernelSymbol("kernel/futex/waitwake.c", "futex_wait")]
    public static long FutexWait(Machine machine, ulong uaddr, uint val, TimeSpan? timeout)
    {
        using var trace = machine.Tracer.Enter("futex_wait");
        var ret = FutexWaitSetup(machine, uaddr, val);
        if (ret != 0)
        {
            return ret;
        }

        if (timeout is not { } t)
        {
            throw new ArgumentException("FUTEX_WAIT on a matching value without a timeout would sleep forever: no waker is modelled", nameof(timeout));
        }

        machine.Clock.Advance(t);
        return -Errno.ETIMEDOUT;
    }

    /// <summary>
    /// futex_wait_setup(): the key, then futex_get_value_locked; on a fault get_user (faulting the page in) and retry,
    /// or -EFAULT when that fails too; -EWOULDBLOCK (-EAGAIN) when the word is not <paramref name="val"/>.
    /// </summary>
    [KernelSymbol("kernel/futex/waitwake.c", "futex_wait_setup")]
    public static int FutexWaitSetup(Machine machine, ulong uaddr, uint val)
    {
        using var trace = machine.Tracer.Enter("futex_wait_setup");
        var ret = GetFutexKey(machine, uaddr);
        if (ret != 0)
        {
            return ret;
        }

        uint uval;
        while (GetValueLocked(machine, out uval, uaddr) != 0)
        {
            using (machine.Tracer.Enter("get_user"))
            {
                ret = UserCopy.GetUser(machine, uaddr, sizeof(uint), out _);
            }

            if (ret != 0)
            {
                return ret;
            }
        }

        return uval != val ? -Errno.EAGAIN : 0;
    }

    // get_futex_key(): the word must be u32-aligned and in user space; a private futex's key is (mm, address), a
    // shared one's is found through the page (get_user_pages_fast), neither reads the word.
    [KernelSymbol("kernel/futex/core.c", "get_futex_key")]
    private static int GetFutexKey(Machine machine, ulong uaddr)
    {
        if ((uaddr & (sizeof(uint) - 1)) != 0)
        {
            return -Errno.EINVAL;
        }

        return machine.Arch.Uaccess.AccessOk(uaddr, sizeof(uint)) ? 0 : -Errno.EFAULT;
    }
}
