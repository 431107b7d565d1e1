using System.Buffers.Binary;
using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// arm64's user access (arch/arm64/include/asm/uaccess.h, futex.h, lib/copy_{from,to}_user.S). copy_from_user and
/// copy_to_user are the copy_template.S inclusions <see cref="CopyFromUser"/> and <see cref="CopyToUser"/>;
/// get_user/put_user are one unprivileged load or store (ldtr*/sttr*); the futex operations are an exclusive
/// ldxr/stlxr pair. Every user-side instruction carries a uaccess entry (EX_TYPE_UACCESS_ERR_ZERO), which
/// fixup_exception() takes for a page fault and, with the series, fixup_exception_me() for a claimed synchronous
/// external abort; upstream a kernel-mode abort dies whatever the entry. access_ok is asm-generic's against
/// TASK_SIZE_MAX (the tagged-address ABI is not modelled).
/// </summary>
public sealed class Arm64Uaccess : IArchUaccess
{
    private const string Fixup = "2: err = -EFAULT, value = 0";
    private static readonly string[] LoadInsns = ["ldtrb %w1", "ldtrh %w1", "ldtr %w1", "ldtr %x1"];
    private static readonly string[] StoreInsns = ["sttrb %w1", "sttrh %w1", "sttr %w1", "sttr %x1"];

    private readonly Machine _machine;
    private readonly CopyFromUser _copyFromUser;
    private readonly CopyToUser _copyToUser;

    internal Arm64Uaccess(Machine machine, CopyFromUser copyFromUser, CopyToUser copyToUser)
    {
        _machine = machine;
        _copyFromUser = copyFromUser;
        _copyToUser = copyToUser;
    }

    /// <summary>__get_mem_asm "1: ldtrb/ldtrh/ldtr" by log2 of the size.</summary>
    public static IReadOnlyList<CodeSite> GetUserLoad { get; } =
        LoadInsns.Select(i => new CodeSite("__get_mem_asm", $"1: {i}, [%2]", SiteAccess.Load)).ToArray();

    /// <summary>__put_mem_asm "1: sttrb/sttrh/sttr" by log2 of the size.</summary>
    public static IReadOnlyList<CodeSite> PutUserStore { get; } =
        StoreInsns.Select(i => new CodeSite("__put_mem_asm", $"1: {i}, [%2]", SiteAccess.Store)).ToArray();

    /// <summary>__futex_atomic_op "1: ldxr %w1, %2".</summary>
    public static CodeSite FutexOpLoad { get; } = new("__futex_atomic_op", "1: ldxr %w1, %2", SiteAccess.Load);

    /// <summary>__futex_atomic_op "2: stlxr %w0, %w3, %2".</summary>
    public static CodeSite FutexOpStore { get; } = new("__futex_atomic_op", "2: stlxr %w0, %w3, %2", SiteAccess.Store);

    /// <summary>futex_atomic_cmpxchg_inatomic "1: ldxr %w1, %2".</summary>
    public static CodeSite CmpxchgLoad { get; } = new("futex_atomic_cmpxchg_inatomic", "1: ldxr %w1, %2", SiteAccess.Load);

    /// <summary>futex_atomic_cmpxchg_inatomic "2: stlxr %w3, %w6, %2".</summary>
    public static CodeSite CmpxchgStore { get; } = new("futex_atomic_cmpxchg_inatomic", "2: stlxr %w3, %w6, %2", SiteAccess.Store);

    /// <summary>access_ok().</summary>
    public bool AccessOk(ulong addr, ulong size) => GenericUaccess.AccessOk(_machine, addr, size);

    /// <summary>raw_copy_from_user(): __arch_copy_from_user.</summary>
    [KernelSymbol("arch/arm64/include/asm/uaccess.h", "raw_copy_from_user")]
    public ulong RawCopyFromUser(ulong to, ulong from, ulong n) => _copyFromUser.ArchCopyFromUser(to, from, n);

    /// <summary>raw_copy_to_user(): __arch_copy_to_user.</summary>
    [KernelSymbol("arch/arm64/include/asm/uaccess.h", "raw_copy_to_user")]
    public ulong RawCopyToUser(ulong to, ulong from, ulong n) => _copyToUser.ArchCopyToUser(to, from, n);

    /// <summary>get_user(): access_ok, then __raw_get_user; 0, or -EFAULT and 0.</summary>
    [KernelSymbol("arch/arm64/include/asm/uaccess.h", "get_user")]
    public int GetUser(ulong uaddr, int size, out ulong value)
    {
        GenericUaccess.CheckSize(size);
        value = 0;
        return AccessOk(uaddr, (ulong)size) ? GetUserNocheck(uaddr, size, out value) : -Errno.EFAULT;
    }

    /// <summary>__get_user(): the unprivileged load of the size.</summary>
    [KernelSymbol("arch/arm64/include/asm/uaccess.h", "__get_mem_asm")]
    public int GetUserNocheck(ulong uaddr, int size, out ulong value)
    {
        GenericUaccess.CheckSize(size);
        Span<byte> bytes = stackalloc byte[8];
        bytes.Clear();
        var ok = _machine.CurrentCpu.Load(GetUserLoad[Log2(size)], uaddr, bytes[..size]) == AccessResult.Ok;
        value = ok ? BinaryPrimitives.ReadUInt64LittleEndian(bytes) : 0;
        return ok ? 0 : -Errno.EFAULT;
    }

    /// <summary>put_user(): access_ok, then the unprivileged store of the size.</summary>
    [KernelSymbol("arch/arm64/include/asm/uaccess.h", "__put_mem_asm")]
    public int PutUser(ulong uaddr, int size, ulong value)
    {
        GenericUaccess.CheckSize(size);
        if (!AccessOk(uaddr, (ulong)size))
        {
            return -Errno.EFAULT;
        }

        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return _machine.CurrentCpu.Store(PutUserStore[Log2(size)], uaddr, bytes[..size]) == AccessResult.Ok ? 0 : -Errno.EFAULT;
    }

    /// <summary>futex_atomic_cmpxchg_inatomic(): access_ok, ldxr, compare, stlxr when equal; 0 or -EFAULT.</summary>
    [KernelSymbol("arch/arm64/include/asm/futex.h", "futex_atomic_cmpxchg_inatomic")]
    public int FutexAtomicCmpxchgInatomic(ulong uaddr, uint oldval, uint newval, out uint uval)
    {
        uval = 0;
        if (!AccessOk(uaddr, sizeof(uint)))
        {
            return -Errno.EFAULT;
        }

        return FutexWordAccess.Cmpxchg(_machine.CurrentCpu, CmpxchgLoad, CmpxchgStore, uaddr, oldval, newval, out uval);
    }

    /// <summary>arch_futex_atomic_op_inuser(): access_ok, ldxr, the operation, stlxr; 0, -EFAULT or -ENOSYS.</summary>
    [KernelSymbol("arch/arm64/include/asm/futex.h", "arch_futex_atomic_op_inuser")]
    public int ArchFutexAtomicOpInuser(FutexOp op, int oparg, ulong uaddr, out int oval)
    {
        oval = 0;
        if (!AccessOk(uaddr, sizeof(uint)))
        {
            return -Errno.EFAULT;
        }

        if (op is < FutexOp.Set or > FutexOp.Xor)
        {
            return -Errno.ENOSYS;
        }

        return FutexWordAccess.Apply(_machine.CurrentCpu, FutexOpLoad, FutexOpStore, op, oparg, uaddr, out oval);
    }

    /// <summary>The uaccess entries of get_user, put_user and the futex operations.</summary>
    internal static IEnumerable<ExtableEntry> ExtableEntries(Arm64ExtableKinds kinds) =>
        GetUserLoad.Concat(PutUserStore).Concat([FutexOpLoad, FutexOpStore, CmpxchgLoad, CmpxchgStore]).Select(s => kinds.User(s, Fixup));

    private static int Log2(int size) => size switch
    {
        1 => 0,
        2 => 1,
        4 => 2,
        _ => 3,
    };
}
