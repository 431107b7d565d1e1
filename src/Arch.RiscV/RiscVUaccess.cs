using System.Buffers.Binary;

namespace KernelModel.Arch.RiscV;

/// <summary>
/// RISC-V's user access (arch/riscv/include/asm/uaccess.h, futex.h, arch/riscv/lib/uaccess.S). copy_from_user and
/// copy_to_user are the one scalar routine of uaccess.S (__asm_copy_from_user is an alias of __asm_copy_to_user), so
/// both directions run <see cref="AsmCopyToUser"/> and return exactly the bytes not stored. get_user/put_user are one
/// load or store (two lw/sw for 8 bytes on RV32), the futex operations an AMO or an lr.w/sc.w pair; each site carries
/// _ASM_EXTABLE_UACCESS_ERR[_ZERO] (EX_TYPE_UACCESS_ERR_ZERO: the error register gets -EFAULT, the value register 0).
/// The trap fixes up any entry, so every one of them also survives a consumed poisoned line, with no memory_failure.
/// access_ok is asm-generic's.
/// </summary>
public sealed class RiscVUaccess : IArchUaccess
{
    /// <summary>The fixup of the get_user/put_user and futex entries.</summary>
    public const string FixupLabel = "3: err = -EFAULT, value = 0";

    private static readonly string[] LoadInsns = ["lb", "lh", "lw", "ld"];
    private static readonly string[] StoreInsns = ["sb", "sh", "sw", "sd"];

    private readonly Machine _machine;
    private readonly AsmCopyToUser _copy;
    private readonly int _szreg;

    /// <summary>The routines for a machine with SZREG <paramref name="szreg"/>.</summary>
    public RiscVUaccess(Machine machine, int szreg)
    {
        _machine = machine;
        _szreg = szreg;
        _copy = new AsmCopyToUser(machine, szreg);
    }

    /// <summary>__get_user_asm "1: lb/lh/lw/ld %0, %2", by log2 of the size.</summary>
    public static IReadOnlyList<CodeSite> GetUserLoad { get; } =
        LoadInsns.Select(i => new CodeSite("__get_user_asm", $"1: {i} %0, %2", SiteAccess.Load)).ToArray();

    /// <summary>__get_user_8 on RV32: the low word's "1: lw %0, %3" and the high word's "2: lw %1, %4".</summary>
    public static IReadOnlyList<CodeSite> GetUser8Rv32 { get; } =
    [
        new("__get_user_8", "1: lw %0, %3", SiteAccess.Load),
        new("__get_user_8", "2: lw %1, %4", SiteAccess.Load),
    ];

    /// <summary>__put_user_asm "1: sb/sh/sw/sd %z1, %2", by log2 of the size.</summary>
    public static IReadOnlyList<CodeSite> PutUserStore { get; } =
        StoreInsns.Select(i => new CodeSite("__put_user_asm", $"1: {i} %z1, %2", SiteAccess.Store)).ToArray();

    /// <summary>__put_user_8 on RV32: "1: sw %z3, %1" and "2: sw %z4, %2".</summary>
    public static IReadOnlyList<CodeSite> PutUser8Rv32 { get; } =
    [
        new("__put_user_8", "1: sw %z3, %1", SiteAccess.Store),
        new("__put_user_8", "2: sw %z4, %2", SiteAccess.Store),
    ];

    /// <summary>__futex_atomic_op's AMO per FUTEX_OP_*: the read half and the write half of one instruction.</summary>
    public static IReadOnlyList<(CodeSite Load, CodeSite Store)> FutexAmo { get; } =
        new[] { "amoswap", "amoadd", "amoor", "amoand", "amoxor" }
            .Select(a => (new CodeSite("__futex_atomic_op", $"1: {a}.w.aqrl (read)", SiteAccess.Load),
                new CodeSite("__futex_atomic_op", $"1: {a}.w.aqrl (write)", SiteAccess.Store)))
            .ToArray();

    /// <summary>futex_atomic_cmpxchg_inatomic "1: lr.w.aqrl %[v],%[u]".</summary>
    public static CodeSite CmpxchgLoad { get; } = new("futex_atomic_cmpxchg_inatomic", "1: lr.w.aqrl %[v],%[u]", SiteAccess.Load);

    /// <summary>futex_atomic_cmpxchg_inatomic "2: sc.w.aqrl %[t],%z[nv],%[u]".</summary>
    public static CodeSite CmpxchgStore { get; } = new("futex_atomic_cmpxchg_inatomic", "2: sc.w.aqrl %[t],%z[nv],%[u]", SiteAccess.Store);

    /// <summary>
    /// The entries of get_user, put_user and the futex operations in a kernel of SZREG <paramref name="szreg"/>
    /// (copy_{from,to}_user's are <see cref="AsmCopyToUser.Extable"/>): RV64 has ld/sd, RV32 the lw/sw pairs instead.
    /// </summary>
    public static ExceptionTable ExtableFor(int szreg) => new(
        (szreg == 8 ? GetUserLoad : GetUserLoad.Take(3).Concat(GetUser8Rv32))
            .Concat(szreg == 8 ? PutUserStore : PutUserStore.Take(3).Concat(PutUser8Rv32))
            .Concat(FutexAmo.SelectMany(a => new[] { a.Load, a.Store })).Append(CmpxchgLoad).Append(CmpxchgStore)
            .Select(UaccessErrZero));

    /// <summary>access_ok(): asm-generic's __access_ok against TASK_SIZE.</summary>
    public bool AccessOk(ulong addr, ulong size) => GenericUaccess.AccessOk(_machine, addr, size);

    /// <summary>raw_copy_from_user(): __asm_copy_from_user, the same code as __asm_copy_to_user.</summary>
    [KernelSymbol("arch/riscv/include/asm/uaccess.h", "raw_copy_from_user")]
    [KernelSymbol("arch/riscv/lib/uaccess.S", "__asm_copy_from_user")]
    public ulong RawCopyFromUser(ulong to, ulong from, ulong n) => _copy.Run(to, from, n);

    /// <summary>raw_copy_to_user(): __asm_copy_to_user.</summary>
    [KernelSymbol("arch/riscv/include/asm/uaccess.h", "raw_copy_to_user")]
    public ulong RawCopyToUser(ulong to, ulong from, ulong n) => _copy.Run(to, from, n);

    /// <summary>get_user(): access_ok, then __get_user.</summary>
    [KernelSymbol("arch/riscv/include/asm/uaccess.h", "get_user")]
    public int GetUser(ulong uaddr, int size, out ulong value)
    {
        GenericUaccess.CheckSize(size);
        value = 0;
        return AccessOk(uaddr, (ulong)size) ? GetUserNocheck(uaddr, size, out value) : -Errno.EFAULT;
    }

    /// <summary>__get_user(): one load of the size (two lw for 8 bytes on RV32); a fault gives -EFAULT and 0.</summary>
    [KernelSymbol("arch/riscv/include/asm/uaccess.h", "__get_user_asm")]
    public int GetUserNocheck(ulong uaddr, int size, out ulong value)
    {
        GenericUaccess.CheckSize(size);
        var cpu = _machine.CurrentCpu;
        Span<byte> bytes = stackalloc byte[8];
        bytes.Clear();
        var ok = size == 8 && _szreg == 4
            ? cpu.Load(GetUser8Rv32[0], uaddr, bytes[..4]) == AccessResult.Ok && cpu.Load(GetUser8Rv32[1], uaddr + 4, bytes[4..]) == AccessResult.Ok
            : cpu.Load(GetUserLoad[Log2(size)], uaddr, bytes[..size]) == AccessResult.Ok;
        value = ok ? BinaryPrimitives.ReadUInt64LittleEndian(bytes) : 0;
        return ok ? 0 : -Errno.EFAULT;
    }

    /// <summary>put_user(): access_ok, then one store (two sw for 8 bytes on RV32); 0 or -EFAULT.</summary>
    [KernelSymbol("arch/riscv/include/asm/uaccess.h", "__put_user_asm")]
    public int PutUser(ulong uaddr, int size, ulong value)
    {
        GenericUaccess.CheckSize(size);
        if (!AccessOk(uaddr, (ulong)size))
        {
            return -Errno.EFAULT;
        }

        var cpu = _machine.CurrentCpu;
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        var ok = size == 8 && _szreg == 4
            ? cpu.Store(PutUser8Rv32[0], uaddr, bytes[..4]) == AccessResult.Ok && cpu.Store(PutUser8Rv32[1], uaddr + 4, bytes[4..]) == AccessResult.Ok
            : cpu.Store(PutUserStore[Log2(size)], uaddr, bytes[..size]) == AccessResult.Ok;
        return ok ? 0 : -Errno.EFAULT;
    }

    /// <summary>futex_atomic_cmpxchg_inatomic(): access_ok, lr.w, compare, sc.w when equal; 0 or -EFAULT.</summary>
    [KernelSymbol("arch/riscv/include/asm/futex.h", "futex_atomic_cmpxchg_inatomic")]
    public int FutexAtomicCmpxchgInatomic(ulong uaddr, uint oldval, uint newval, out uint uval)
    {
        uval = 0;
        if (!AccessOk(uaddr, sizeof(uint)))
        {
            return -Errno.EFAULT;
        }

        return FutexWordAccess.Cmpxchg(_machine.CurrentCpu, CmpxchgLoad, CmpxchgStore, uaddr, oldval, newval, out uval);
    }

    /// <summary>arch_futex_atomic_op_inuser(): one AMO on the word (amoand with ~oparg for ANDN); 0, -EFAULT or -ENOSYS.</summary>
    [KernelSymbol("arch/riscv/include/asm/futex.h", "arch_futex_atomic_op_inuser")]
    public int ArchFutexAtomicOpInuser(FutexOp op, int oparg, ulong uaddr, out int oval)
    {
        oval = 0;
        if (op is < FutexOp.Set or > FutexOp.Xor)
        {
            return -Errno.ENOSYS;
        }

        var (load, store) = FutexAmo[(int)op];
        return FutexWordAccess.Apply(_machine.CurrentCpu, load, store, op, oparg, uaddr, out oval);
    }

    [KernelSymbol("arch/riscv/include/asm/asm-extable.h", "_ASM_EXTABLE_UACCESS_ERR_ZERO")]
    private static ExtableEntry UaccessErrZero(CodeSite site) =>
        new(site, "EX_TYPE_UACCESS_ERR_ZERO", (int)RiscVExtableType.ExTypeUaccessErrZero, FixupLabel);

    private static int Log2(int size) => size switch
    {
        1 => 0,
        2 => 1,
        4 => 2,
        _ => 3,
    };
}
