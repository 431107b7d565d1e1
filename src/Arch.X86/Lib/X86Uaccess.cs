using System.Buffers.Binary;

namespace KernelModel.Arch.X86;

/// <summary>
/// x86-64's user access, with the sites the machine-check grading decodes:
/// <list type="bullet">
/// <item>raw_copy_from_user and raw_copy_to_user: copy_user_generic (EX_TYPE_UACCESS). Reading a user address it is
/// graded MCE_IN_KERNEL_COPYIN; reading a kernel address (copy_to_user's source) it is IN_KERNEL, a panic.</item>
/// <item>get_user and put_user: the out-of-line __get_user_N / __put_user_N of arch/x86/lib/getuser.S and putuser.S
/// (movzbl, movzwl, movl, movq; _ASM_EXTABLE_UA, EX_TYPE_UACCESS). Their range check (check_range) turns an address
/// above USER_PTR_MAX into one that faults; the model returns that fault's -EFAULT directly.</item>
/// <item>__get_user (futex_get_value_locked's read): __get_user_asm, "mov" plus the size suffix with
/// EX_TYPE_EFAULT_REG | EX_FLAG_CLEAR_AX: the form built without CONFIG_CC_HAS_ASM_GOTO_OUTPUT (compilers before GCC
/// 11), where 99641e094d6c gave it that type; with asm-goto outputs the entry is EX_TYPE_UACCESS and grades as
/// copy_from_user does.</item>
/// <item>The futex atomics of arch/x86/include/asm/futex.h (EX_TYPE_EFAULT_REG since "x86/futex: Remove .fixup
/// usage", v5.17): xchgl, lock xaddl and lock cmpxchgl are opcodes is_copy_from_user does not decode, so poison
/// there panics; FUTEX_OP_OR/ANDN/XOR first read the word with a plain movl, which grades like __get_user.</item>
/// </list>
/// </summary>
public sealed class X86Uaccess(Machine machine, CopyUserGeneric copyUserGeneric) : IArchUaccess
{
    /// <summary>__get_user_asm "1: movl %[umem],%[output]" (4 bytes).</summary>
    public static readonly CodeSite GetUserLoad = new("__get_user_asm", "1: movl %[umem],%[output]", SiteAccess.Load);

    /// <summary>futex_atomic_cmpxchg_inatomic "1: lock cmpxchgl", its load.</summary>
    public static readonly CodeSite FutexCmpxchgLoad = new("futex_atomic_cmpxchg_inatomic", "1: lock cmpxchgl %3,%2 (load)", SiteAccess.Load);

    /// <summary>futex_atomic_cmpxchg_inatomic "1: lock cmpxchgl", its store.</summary>
    public static readonly CodeSite FutexCmpxchgStore = new("futex_atomic_cmpxchg_inatomic", "1: lock cmpxchgl %3,%2 (store)", SiteAccess.Store);

    private const string GetUserFixup = "__get_user_handle_exception: edx = 0, eax = -EFAULT";
    private const string PutUserFixup = "__put_user_handle_exception: ecx = -EFAULT";
    private const string FutexOpRoutine = "arch_futex_atomic_op_inuser";

    /// <summary>__get_user_asm by log2 of the size: movb, movw, movl (<see cref="GetUserLoad"/>), movq.</summary>
    public static IReadOnlyList<CodeSite> GetUserNocheckLoad { get; } =
    [
        new("__get_user_asm", "1: movb %[umem],%[output]", SiteAccess.Load),
        new("__get_user_asm", "1: movw %[umem],%[output]", SiteAccess.Load),
        GetUserLoad,
        new("__get_user_asm", "1: movq %[umem],%[output]", SiteAccess.Load),
    ];

    /// <summary>getuser.S __get_user_1, _2, _4, _8: "UACCESS movzbl/movzwl/movl/movq (%rax),%edx".</summary>
    public static IReadOnlyList<CodeSite> GetUserNLoad { get; } =
    [
        new("__get_user_1", "UACCESS movzbl (%rax),%edx", SiteAccess.Load),
        new("__get_user_2", "UACCESS movzwl (%rax),%edx", SiteAccess.Load),
        new("__get_user_4", "UACCESS movl (%rax),%edx", SiteAccess.Load),
        new("__get_user_8", "UACCESS movq (%rax),%rdx", SiteAccess.Load),
    ];

    /// <summary>putuser.S __put_user_1, _2, _4, _8: "1: movb/movw/movl/movq %al..%rax,(%rcx)".</summary>
    public static IReadOnlyList<CodeSite> PutUserNStore { get; } =
    [
        new("__put_user_1", "1: movb %al,(%rcx)", SiteAccess.Store),
        new("__put_user_2", "2: movw %ax,(%rcx)", SiteAccess.Store),
        new("__put_user_4", "3: movl %eax,(%rcx)", SiteAccess.Store),
        new("__put_user_8", "4: movq %rax,(%rcx)", SiteAccess.Store),
    ];

    /// <summary>unsafe_atomic_op1 for FUTEX_OP_SET: "1: xchgl %0, %2", read and write halves.</summary>
    public static (CodeSite Load, CodeSite Store) FutexXchg { get; } =
        (new(FutexOpRoutine, "1: xchgl %0, %2 (load)", SiteAccess.Load), new(FutexOpRoutine, "1: xchgl %0, %2 (store)", SiteAccess.Store));

    /// <summary>unsafe_atomic_op1 for FUTEX_OP_ADD: "1: lock xaddl %0, %2", read and write halves.</summary>
    public static (CodeSite Load, CodeSite Store) FutexXadd { get; } =
        (new(FutexOpRoutine, "1: lock xaddl %0, %2 (load)", SiteAccess.Load), new(FutexOpRoutine, "1: lock xaddl %0, %2 (store)", SiteAccess.Store));

    /// <summary>unsafe_atomic_op2's first read of the word: "1: movl %2, %0".</summary>
    public static CodeSite FutexOp2Load { get; } = new(FutexOpRoutine, "1: movl %2, %0", SiteAccess.Load);

    /// <summary>unsafe_atomic_op2's "3: lock cmpxchgl %3, %2", read and write halves.</summary>
    public static (CodeSite Load, CodeSite Store) FutexOp2Cmpxchg { get; } =
        (new(FutexOpRoutine, "3: lock cmpxchgl %3, %2 (load)", SiteAccess.Load), new(FutexOpRoutine, "3: lock cmpxchgl %3, %2 (store)", SiteAccess.Store));

    /// <summary>The entries of __get_user_asm, getuser.S, putuser.S and the futex atomics.</summary>
    [KernelSymbol("arch/x86/include/asm/uaccess.h", "__get_user_asm")]
    [KernelSymbol("arch/x86/lib/getuser.S", "__get_user_1")]
    [KernelSymbol("arch/x86/lib/putuser.S", "__put_user_1")]
    [KernelSymbol("arch/x86/include/asm/futex.h", "futex_atomic_cmpxchg_inatomic")]
    [KernelSymbol("arch/x86/include/asm/futex.h", "arch_futex_atomic_op_inuser")]
    public static ExceptionTable Extable { get; } = new(
        GetUserNocheckLoad.Select(s => X86Extable.EfaultRegEntry(s, "2: err = -EFAULT, output = 0", clearAx: true))
            .Concat(GetUserNLoad.Select(s => X86Extable.Entry(s, ExType.Uaccess, GetUserFixup)))
            .Concat(PutUserNStore.Select(s => X86Extable.Entry(s, ExType.Uaccess, PutUserFixup)))
            .Concat(
            [
                X86Extable.EfaultRegEntry(FutexCmpxchgLoad, "2: ret = -EFAULT"),
                X86Extable.EfaultRegEntry(FutexCmpxchgStore, "2: ret = -EFAULT"),
                X86Extable.EfaultRegEntry(FutexXchg.Load, "2: ret = -EFAULT"),
                X86Extable.EfaultRegEntry(FutexXchg.Store, "2: ret = -EFAULT"),
                X86Extable.EfaultRegEntry(FutexXadd.Load, "2: ret = -EFAULT"),
                X86Extable.EfaultRegEntry(FutexXadd.Store, "2: ret = -EFAULT"),
                X86Extable.EfaultRegEntry(FutexOp2Load, "4: ret = -EFAULT"),
                X86Extable.EfaultRegEntry(FutexOp2Cmpxchg.Load, "4: ret = -EFAULT"),
                X86Extable.EfaultRegEntry(FutexOp2Cmpxchg.Store, "4: ret = -EFAULT"),
            ]));

    /// <summary>The instructions at the sites.</summary>
    public static IReadOnlyList<X86Instruction> Instructions { get; } =
    [
        new(GetUserNocheckLoad[0], X86Instruction.MovLoad8, "movb (%rax),%dl"),
        new(GetUserNocheckLoad[1], X86Instruction.MovLoad, "movw (%rax),%dx"),
        new(GetUserLoad, X86Instruction.MovLoad, "movl (%rax),%edx"),
        new(GetUserNocheckLoad[3], X86Instruction.MovLoad, "movq (%rax),%rdx"),
        new(GetUserNLoad[0], X86Instruction.Movzx8, "movzbl (%rax),%edx"),
        new(GetUserNLoad[1], X86Instruction.Movzx16, "movzwl (%rax),%edx"),
        new(GetUserNLoad[2], X86Instruction.MovLoad, "movl (%rax),%edx"),
        new(GetUserNLoad[3], X86Instruction.MovLoad, "movq (%rax),%rdx"),
        new(PutUserNStore[0], X86Instruction.MovStore8, "movb %al,(%rcx)"),
        new(PutUserNStore[1], X86Instruction.MovStore, "movw %ax,(%rcx)"),
        new(PutUserNStore[2], X86Instruction.MovStore, "movl %eax,(%rcx)"),
        new(PutUserNStore[3], X86Instruction.MovStore, "movq %rax,(%rcx)"),
        new(FutexCmpxchgLoad, X86Instruction.Cmpxchg, "lock cmpxchgl %esi,(%rdi)"),
        new(FutexCmpxchgStore, X86Instruction.Cmpxchg, "lock cmpxchgl %esi,(%rdi)"),
        new(FutexXchg.Load, X86Instruction.Xchg, "xchgl %eax,(%rdi)"),
        new(FutexXchg.Store, X86Instruction.Xchg, "xchgl %eax,(%rdi)"),
        new(FutexXadd.Load, X86Instruction.Xadd, "lock xaddl %eax,(%rdi)"),
        new(FutexXadd.Store, X86Instruction.Xadd, "lock xaddl %eax,(%rdi)"),
        new(FutexOp2Load, X86Instruction.MovLoad, "movl (%rdi),%eax"),
        new(FutexOp2Cmpxchg.Load, X86Instruction.Cmpxchg, "lock cmpxchgl %edx,(%rdi)"),
        new(FutexOp2Cmpxchg.Store, X86Instruction.Cmpxchg, "lock cmpxchgl %edx,(%rdi)"),
    ];

    /// <summary>access_ok(ptr, size) on x86-64: the whole range lies below TASK_SIZE_MAX, without wrapping.</summary>
    [KernelSymbol("arch/x86/include/asm/uaccess_64.h", "__access_ok")]
    public bool AccessOk(ulong ptr, ulong size) => size <= machine.Arch.TaskSize && ptr <= machine.Arch.TaskSize - size;

    /// <summary>raw_copy_from_user(to, from, n) (arch/x86/include/asm/uaccess_64.h): copy_user_generic.</summary>
    [KernelSymbol("arch/x86/include/asm/uaccess_64.h", "raw_copy_from_user")]
    public ulong RawCopyFromUser(ulong to, ulong from, ulong n) => copyUserGeneric.Copy(to, from, n);

    /// <summary>raw_copy_to_user(to, from, n) (arch/x86/include/asm/uaccess_64.h): copy_user_generic.</summary>
    [KernelSymbol("arch/x86/include/asm/uaccess_64.h", "raw_copy_to_user")]
    public ulong RawCopyToUser(ulong to, ulong from, ulong n) => copyUserGeneric.Copy(to, from, n);

    /// <summary>get_user(): __get_user_N; an address above user space gives -EFAULT, as its fault would.</summary>
    [KernelSymbol("arch/x86/lib/getuser.S", "__get_user_4")]
    public int GetUser(ulong uaddr, int size, out ulong value)
    {
        GenericUaccess.CheckSize(size);
        value = 0;
        if (!AccessOk(uaddr, (ulong)size))
        {
            return -Errno.EFAULT;
        }

        return Load(GetUserNLoad[Log2(size)], uaddr, size, out value);
    }

    /// <summary>__get_user(): __get_user_asm of the size, no range check.</summary>
    [KernelSymbol("arch/x86/include/asm/uaccess.h", "__get_user_nocheck")]
    public int GetUserNocheck(ulong uaddr, int size, out ulong value)
    {
        GenericUaccess.CheckSize(size);
        return Load(GetUserNocheckLoad[Log2(size)], uaddr, size, out value);
    }

    /// <summary>put_user(): __put_user_N.</summary>
    [KernelSymbol("arch/x86/lib/putuser.S", "__put_user_4")]
    public int PutUser(ulong uaddr, int size, ulong value)
    {
        GenericUaccess.CheckSize(size);
        if (!AccessOk(uaddr, (ulong)size))
        {
            return -Errno.EFAULT;
        }

        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return machine.CurrentCpu.Store(PutUserNStore[Log2(size)], uaddr, bytes[..size]) == AccessResult.Ok ? 0 : -Errno.EFAULT;
    }

    /// <summary>
    /// futex_atomic_cmpxchg_inatomic(uval, uaddr, oldval, newval) (arch/x86/include/asm/futex.h): access_ok, then
    /// lock cmpxchgl; 0 with the value found in <paramref name="uval"/>, or -EFAULT.
    /// </summary>
    [KernelSymbol("arch/x86/include/asm/futex.h", "futex_atomic_cmpxchg_inatomic")]
    public int FutexAtomicCmpxchgInatomic(ulong uaddr, uint oldval, uint newval, out uint uval)
    {
        uval = 0;
        if (!AccessOk(uaddr, sizeof(uint)))
        {
            return -Errno.EFAULT;
        }

        return FutexWordAccess.Cmpxchg(machine.CurrentCpu, FutexCmpxchgLoad, FutexCmpxchgStore, uaddr, oldval, newval, out uval);
    }

    /// <summary>
    /// arch_futex_atomic_op_inuser(): user_access_begin (access_ok), then xchgl for SET, lock xaddl for ADD, or for
    /// OR/ANDN/XOR a movl of the word, the operation and lock cmpxchgl; 0 with the old value, -EFAULT or -ENOSYS.
    /// </summary>
    [KernelSymbol("arch/x86/include/asm/futex.h", "arch_futex_atomic_op_inuser")]
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

        var cpu = machine.CurrentCpu;
        Span<byte> word = stackalloc byte[4];
        var (load, store) = op switch
        {
            FutexOp.Set => FutexXchg,
            FutexOp.Add => FutexXadd,
            _ => FutexOp2Cmpxchg,
        };
        if (op is not (FutexOp.Set or FutexOp.Add) && cpu.Load(FutexOp2Load, uaddr, word) != AccessResult.Ok)
        {
            return -Errno.EFAULT;
        }

        return FutexWordAccess.Apply(cpu, load, store, op, oparg, uaddr, out oval);
    }

    private static int Log2(int size) => size switch
    {
        1 => 0,
        2 => 1,
        4 => 2,
        _ => 3,
    };

    private int Load(CodeSite site, ulong uaddr, int size, out ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        bytes.Clear();
        var ok = machine.CurrentCpu.Load(site, uaddr, bytes[..size]) == AccessResult.Ok;
        value = ok ? BinaryPrimitives.ReadUInt64LittleEndian(bytes) : 0;
        return ok ? 0 : -Errno.EFAULT;
    }
}
