namespace KernelModel.Arch.X86;

/// <summary>
/// The kernel reading user memory, so that a poisoned user page consumed in kernel mode is graded
/// MCE_IN_KERNEL_COPYIN: copy_from_user (include/linux/uaccess.h _copy_from_user over raw_copy_from_user =
/// copy_user_generic, EX_TYPE_UACCESS), the futex value read (kernel/futex/core.c futex_get_value_locked over
/// __get_user, EX_TYPE_EFAULT_REG), and the futex compare-and-exchange (arch/x86/include/asm/futex.h,
/// lock cmpxchg, EX_TYPE_EFAULT_REG: its opcode is not one is_copy_from_user decodes, so poison there panics).
/// The model's __get_user is the form built without CONFIG_CC_HAS_ASM_GOTO_OUTPUT (compilers before GCC 11),
/// where 99641e094d6c gave it EX_TYPE_EFAULT_REG; with asm-goto outputs the entry is EX_TYPE_UACCESS and grades
/// as copy_from_user does.
/// </summary>
public sealed class X86Uaccess(Machine machine, CopyUserGeneric copyUserGeneric, Memset memset)
{
    /// <summary>__get_user_asm "1: movl %[umem],%[output]".</summary>
    public static readonly CodeSite GetUserLoad = new("__get_user_asm", "1: movl %[umem],%[output]", SiteAccess.Load);

    /// <summary>futex_atomic_cmpxchg_inatomic "1: lock cmpxchgl", its load.</summary>
    public static readonly CodeSite FutexCmpxchgLoad = new("futex_atomic_cmpxchg_inatomic", "1: lock cmpxchgl %3,%2 (load)", SiteAccess.Load);

    /// <summary>futex_atomic_cmpxchg_inatomic "1: lock cmpxchgl", its store.</summary>
    public static readonly CodeSite FutexCmpxchgStore = new("futex_atomic_cmpxchg_inatomic", "1: lock cmpxchgl %3,%2 (store)", SiteAccess.Store);

    /// <summary>The entries of __get_user_asm and futex_atomic_cmpxchg_inatomic.</summary>
    [KernelSymbol("arch/x86/include/asm/uaccess.h", "__get_user_asm")]
    [KernelSymbol("arch/x86/include/asm/futex.h", "futex_atomic_cmpxchg_inatomic")]
    public static ExceptionTable Extable { get; } = new(
    [
        X86Extable.EfaultRegEntry(GetUserLoad, "2: err = -EFAULT, output = 0", clearAx: true),
        X86Extable.EfaultRegEntry(FutexCmpxchgLoad, "2: ret = -EFAULT"),
        X86Extable.EfaultRegEntry(FutexCmpxchgStore, "2: ret = -EFAULT"),
    ]);

    /// <summary>The instructions at the sites.</summary>
    public static IReadOnlyList<X86Instruction> Instructions { get; } =
    [
        new(GetUserLoad, X86Instruction.MovLoad, "movl (%rax),%edx"),
        new(FutexCmpxchgLoad, X86Instruction.Cmpxchg, "lock cmpxchgl %esi,(%rdi)"),
        new(FutexCmpxchgStore, X86Instruction.Cmpxchg, "lock cmpxchgl %esi,(%rdi)"),
    ];

    /// <summary>access_ok(ptr, size) on x86-64: the whole range lies below TASK_SIZE_MAX, without wrapping.</summary>
    [KernelSymbol("arch/x86/include/asm/uaccess_64.h", "__access_ok")]
    public bool AccessOk(ulong ptr, ulong size) => size <= machine.Arch.TaskSize && ptr <= machine.Arch.TaskSize - size;

    /// <summary>raw_copy_from_user(to, from, n) (arch/x86/include/asm/uaccess_64.h): copy_user_generic.</summary>
    [KernelSymbol("arch/x86/include/asm/uaccess_64.h", "raw_copy_from_user")]
    public ulong RawCopyFromUser(ulong to, ulong from, ulong n) => copyUserGeneric.Copy(to, from, n);

    /// <summary>
    /// _copy_from_user(to, from, n): access_ok, raw_copy_from_user, and on a short copy the rest of the kernel
    /// buffer is zeroed; returns the bytes not copied.
    /// </summary>
    [KernelSymbol("include/linux/uaccess.h", "_copy_from_user")]
    public ulong CopyFromUser(ulong to, ulong from, ulong n)
    {
        var res = n;
        if (AccessOk(from, n))
        {
            res = RawCopyFromUser(to, from, n);
        }

        if (res != 0)
        {
            memset.Fill(to + (n - res), 0, res);
        }

        return res;
    }

    /// <summary>
    /// futex_get_value_locked(dest, from) (kernel/futex/core.c): __get_user with page faults disabled; 0 or -EFAULT.
    /// </summary>
    [KernelSymbol("kernel/futex/core.c", "futex_get_value_locked")]
    public int FutexGetValueLocked(out uint value, ulong from)
    {
        Span<byte> output = stackalloc byte[4];
        if (machine.CurrentCpu.Load(GetUserLoad, from, output) != AccessResult.Ok)
        {
            value = 0;
            return -Errno.EFAULT;
        }

        value = BitConverter.ToUInt32(output);
        return 0;
    }

    /// <summary>
    /// futex_atomic_cmpxchg_inatomic(uval, uaddr, oldval, newval) (arch/x86/include/asm/futex.h): access_ok, then
    /// lock cmpxchgl; 0 with the value found in <paramref name="uval"/>, or -EFAULT.
    /// </summary>
    [KernelSymbol("arch/x86/include/asm/futex.h", "futex_atomic_cmpxchg_inatomic")]
    public int FutexAtomicCmpxchgInatomic(out uint uval, ulong uaddr, uint oldval, uint newval)
    {
        uval = 0;
        if (!AccessOk(uaddr, sizeof(uint)))
        {
            return -Errno.EFAULT;
        }

        var cpu = machine.CurrentCpu;
        Span<byte> word = stackalloc byte[4];
        if (cpu.Load(FutexCmpxchgLoad, uaddr, word) != AccessResult.Ok)
        {
            return -Errno.EFAULT;
        }

        var current = BitConverter.ToUInt32(word);
        if (current == oldval)
        {
            BitConverter.TryWriteBytes(word, newval);
            if (cpu.Store(FutexCmpxchgStore, uaddr, word) != AccessResult.Ok)
            {
                return -Errno.EFAULT;
            }
        }

        uval = current;
        return 0;
    }
}
