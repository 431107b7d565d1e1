using System.Buffers.Binary;

namespace KernelModel.Mm;

/// <summary>
/// The user-access routines of the generic profile (include/asm-generic/uaccess.h over byte loops): copy_to_user is
/// <see cref="GenericCopyMc.RawCopyToUser"/>; copy_from_user's user-side loads and get_user/put_user carry the
/// uaccess entry, so a page fault on the user side is fixed up, while the generic trap kills the kernel on any
/// kernel-mode hardware error whatever the table says. get_user/put_user are __get_user_fn/__put_user_fn over the
/// same loops. The futex atomics are asm-generic/futex.h's SMP form, which has none: -ENOSYS.
/// </summary>
public sealed class GenericUaccess(Machine machine, GenericCopyMc copy) : IArchUaccess
{
    /// <summary>copy_from_user's user-side byte load (fixed up on a page fault).</summary>
    public static readonly CodeSite CopyFromUserLoad = new("__copy_from_user", "byte load", SiteAccess.Load);

    /// <summary>copy_from_user's kernel-side byte store (no fixup).</summary>
    public static readonly CodeSite CopyFromUserStore = new("__copy_from_user", "byte store", SiteAccess.Store);

    /// <summary>The user-load fixup: the generic uaccess entry type.</summary>
    public static ExceptionTable Extable { get; } = new([new ExtableEntry(CopyFromUserLoad, "EX_TYPE_UACCESS", 0, "return bytes not copied")]);

    /// <summary>__access_ok() (include/asm-generic/access_ok.h): size and address within TASK_SIZE_MAX, no wrap.</summary>
    [KernelSymbol("include/asm-generic/access_ok.h", "__access_ok")]
    public static bool AccessOk(Machine machine, ulong addr, ulong size)
    {
        var limit = machine.Arch.TaskSize;
        return size <= limit && addr <= limit - size;
    }

    /// <inheritdoc />
    public bool AccessOk(ulong addr, ulong size) => AccessOk(machine, addr, size);

    /// <summary>raw_copy_from_user() as a byte loop: the bytes not copied when a user-side load faults.</summary>
    [KernelSymbol("include/asm-generic/uaccess.h", "raw_copy_from_user")]
    public ulong RawCopyFromUser(ulong to, ulong from, ulong n)
    {
        var cpu = machine.CurrentCpu;
        if (cpu.TryCopyFast(to, from, n))
        {
            return 0;
        }

        Span<byte> b = stackalloc byte[1];
        for (ulong i = 0; i < n; i++)
        {
            if (cpu.Load(CopyFromUserLoad, from + i, b) != AccessResult.Ok)
            {
                return n - i;
            }

            cpu.Store(CopyFromUserStore, to + i, b);
        }

        return 0;
    }

    /// <inheritdoc />
    public ulong RawCopyToUser(ulong to, ulong from, ulong n) => copy.RawCopyToUser(to, from, n);

    /// <summary>get_user(): access_ok, then __get_user_fn.</summary>
    [KernelSymbol("include/asm-generic/uaccess.h", "get_user")]
    public int GetUser(ulong uaddr, int size, out ulong value)
    {
        CheckSize(size);
        value = 0;
        return AccessOk(uaddr, (ulong)size) ? GetUserNocheck(uaddr, size, out value) : -Errno.EFAULT;
    }

    /// <summary>__get_user_fn(): raw_copy_from_user into the variable; -EFAULT when any byte was not copied.</summary>
    [KernelSymbol("include/asm-generic/uaccess.h", "__get_user_fn")]
    public int GetUserNocheck(ulong uaddr, int size, out ulong value)
    {
        CheckSize(size);
        var cpu = machine.CurrentCpu;
        Span<byte> bytes = stackalloc byte[8];
        bytes.Clear();
        for (var i = 0; i < size; i++)
        {
            if (cpu.Load(CopyFromUserLoad, uaddr + (ulong)i, bytes.Slice(i, 1)) != AccessResult.Ok)
            {
                value = 0;
                return -Errno.EFAULT;
            }
        }

        value = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        return 0;
    }

    /// <summary>put_user(): access_ok, then __put_user_fn (raw_copy_to_user's user-side stores).</summary>
    [KernelSymbol("include/asm-generic/uaccess.h", "put_user")]
    public int PutUser(ulong uaddr, int size, ulong value)
    {
        CheckSize(size);
        if (!AccessOk(uaddr, (ulong)size))
        {
            return -Errno.EFAULT;
        }

        var cpu = machine.CurrentCpu;
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        for (var i = 0; i < size; i++)
        {
            if (cpu.Store(GenericCopyMc.CopyToUserStore, uaddr + (ulong)i, bytes.Slice(i, 1)) != AccessResult.Ok)
            {
                return -Errno.EFAULT;
            }
        }

        return 0;
    }

    /// <summary>futex_atomic_cmpxchg_inatomic() of asm-generic/futex.h on SMP: not implemented, -ENOSYS.</summary>
    [KernelSymbol("include/asm-generic/futex.h", "futex_atomic_cmpxchg_inatomic")]
    public int FutexAtomicCmpxchgInatomic(ulong uaddr, uint oldval, uint newval, out uint uval)
    {
        uval = 0;
        return -Errno.ENOSYS;
    }

    /// <summary>arch_futex_atomic_op_inuser() of asm-generic/futex.h on SMP: not implemented, -ENOSYS.</summary>
    [KernelSymbol("include/asm-generic/futex.h", "arch_futex_atomic_op_inuser")]
    public int ArchFutexAtomicOpInuser(FutexOp op, int oparg, ulong uaddr, out int oval)
    {
        oval = 0;
        return -Errno.ENOSYS;
    }

    /// <summary>The sizes get_user/put_user take (anything else is a build error in the kernel).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 1, 2, 4 or 8.</exception>
    public static void CheckSize(int size)
    {
        if (size is not (1 or 2 or 4 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "get_user/put_user take 1, 2, 4 or 8 bytes");
        }
    }
}
