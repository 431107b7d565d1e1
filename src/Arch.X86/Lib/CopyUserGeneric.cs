namespace KernelModel.Arch.X86;

/// <summary>
/// copy_user_generic (arch/x86/include/asm/uaccess_64.h), the body of raw_copy_from_user, raw_copy_to_user and
/// copy_mc_to_user's last resort: with FSRM an inline rep movsb, otherwise a call to rep_movs_alternative
/// (arch/x86/lib/copy_user_64.S, as of ca96b162bfd2 "x86: bring back rep movsq for user access on CPUs without
/// ERMS", v6.6). Every entry is _ASM_EXTABLE_UA (EX_TYPE_UACCESS); the return value is rcx, the bytes not copied.
/// rep_movs_alternative: under 8 bytes a byte loop; under 64 an 8-byte word loop whose fault falls back to the
/// byte loop; from 64 rep movsb (ERMS) or rep movsq followed by the byte loop for the rest (or after a fault).
/// </summary>
public sealed class CopyUserGeneric(Machine machine, X86Options options)
{
    /// <summary>copy_user_generic's inline "1: rep movsb" (FSRM), its load.</summary>
    public static readonly CodeSite InlineMovsbLoad = new("copy_user_generic", "1: rep movsb (load)", SiteAccess.Load);

    /// <summary>copy_user_generic's inline rep movsb, its store.</summary>
    public static readonly CodeSite InlineMovsbStore = new("copy_user_generic", "1: rep movsb (store)", SiteAccess.Store);

    /// <summary>rep_movs_alternative .Lcopy_user_tail "0: movb (%rsi),%al".</summary>
    public static readonly CodeSite TailLoad = new("rep_movs_alternative", ".Lcopy_user_tail: 0: movb (%rsi),%al", SiteAccess.Load);

    /// <summary>rep_movs_alternative .Lcopy_user_tail "1: movb %al,(%rdi)".</summary>
    public static readonly CodeSite TailStore = new("rep_movs_alternative", ".Lcopy_user_tail: 1: movb %al,(%rdi)", SiteAccess.Store);

    /// <summary>rep_movs_alternative .Lword "2: movq (%rsi),%rax".</summary>
    public static readonly CodeSite WordLoad = new("rep_movs_alternative", ".Lword: 2: movq (%rsi),%rax", SiteAccess.Load);

    /// <summary>rep_movs_alternative .Lword "3: movq %rax,(%rdi)".</summary>
    public static readonly CodeSite WordStore = new("rep_movs_alternative", ".Lword: 3: movq %rax,(%rdi)", SiteAccess.Store);

    /// <summary>rep_movs_alternative .Llarge "0: rep movsb" (ERMS), its load.</summary>
    public static readonly CodeSite LargeMovsbLoad = new("rep_movs_alternative", ".Llarge: 0: rep movsb (load)", SiteAccess.Load);

    /// <summary>rep_movs_alternative .Llarge "0: rep movsb" (ERMS), its store.</summary>
    public static readonly CodeSite LargeMovsbStore = new("rep_movs_alternative", ".Llarge: 0: rep movsb (store)", SiteAccess.Store);

    /// <summary>rep_movs_alternative .Llarge_movsq "0: rep movsq", its load.</summary>
    public static readonly CodeSite LargeMovsqLoad = new("rep_movs_alternative", ".Llarge_movsq: 0: rep movsq (load)", SiteAccess.Load);

    /// <summary>rep_movs_alternative .Llarge_movsq "0: rep movsq", its store.</summary>
    public static readonly CodeSite LargeMovsqStore = new("rep_movs_alternative", ".Llarge_movsq: 0: rep movsq (store)", SiteAccess.Store);

    /// <summary>The _ASM_EXTABLE_UA entries of copy_user_generic and rep_movs_alternative.</summary>
    [KernelSymbol("arch/x86/lib/copy_user_64.S", "rep_movs_alternative")]
    [KernelSymbol("arch/x86/include/asm/uaccess_64.h", "copy_user_generic")]
    public static ExceptionTable Extable { get; } = new(
    [
        X86Extable.Entry(InlineMovsbLoad, ExType.Uaccess, "2: return rcx"),
        X86Extable.Entry(InlineMovsbStore, ExType.Uaccess, "2: return rcx"),
        X86Extable.Entry(TailLoad, ExType.Uaccess, ".Lexit: return rcx"),
        X86Extable.Entry(TailStore, ExType.Uaccess, ".Lexit: return rcx"),
        X86Extable.Entry(WordLoad, ExType.Uaccess, ".Lcopy_user_tail: retry bytewise"),
        X86Extable.Entry(WordStore, ExType.Uaccess, ".Lcopy_user_tail: retry bytewise"),
        X86Extable.Entry(LargeMovsbLoad, ExType.Uaccess, "1: return rcx"),
        X86Extable.Entry(LargeMovsbStore, ExType.Uaccess, "1: return rcx"),
        X86Extable.Entry(LargeMovsqLoad, ExType.Uaccess, "1: rcx = rax + rcx * 8, .Lcopy_user_tail"),
        X86Extable.Entry(LargeMovsqStore, ExType.Uaccess, "1: rcx = rax + rcx * 8, .Lcopy_user_tail"),
    ]);

    /// <summary>The instructions at the sites.</summary>
    public static IReadOnlyList<X86Instruction> Instructions { get; } =
    [
        new(InlineMovsbLoad, X86Instruction.Movsb, "rep movsb"),
        new(InlineMovsbStore, X86Instruction.Movsb, "rep movsb"),
        new(TailLoad, X86Instruction.MovLoad8, "movb (%rsi),%al"),
        new(TailStore, X86Instruction.MovStore8, "movb %al,(%rdi)"),
        new(WordLoad, X86Instruction.MovLoad, "movq (%rsi),%rax"),
        new(WordStore, X86Instruction.MovStore, "movq %rax,(%rdi)"),
        new(LargeMovsbLoad, X86Instruction.Movsb, "rep movsb"),
        new(LargeMovsbStore, X86Instruction.Movsb, "rep movsb"),
        new(LargeMovsqLoad, X86Instruction.Movsq, "rep movsq"),
        new(LargeMovsqStore, X86Instruction.Movsq, "rep movsq"),
    ];

    /// <summary>copy_user_generic(to, from, len): 0, or the bytes not copied.</summary>
    [KernelSymbol("arch/x86/include/asm/uaccess_64.h", "copy_user_generic")]
    public ulong Copy(ulong to, ulong from, ulong len)
    {
        var cpu = machine.CurrentCpu;
        if (cpu.TryCopyFast(to, from, len))
        {
            return 0;
        }

        var regs = new StringRegisters(to, from, len);
        if (options.Fsrm)
        {
            RepMovs.Run(cpu, InlineMovsbLoad, InlineMovsbStore, ref regs, 1, options.FastStringProgress);
            return regs.Rcx;
        }

        return RepMovsAlternative(cpu, regs);
    }

    /// <summary>rep_movs_alternative: the same calling convention as rep movs; returns rcx.</summary>
    [KernelSymbol("arch/x86/lib/copy_user_64.S", "rep_movs_alternative")]
    private ulong RepMovsAlternative(Cpu cpu, StringRegisters regs)
    {
        if (regs.Rcx >= 64)
        {
            return Large(cpu, regs);
        }

        if (regs.Rcx == 0)
        {
            return 0;
        }

        return regs.Rcx >= 8 ? Word(cpu, regs) : CopyUserTail(cpu, regs);
    }

    // .Lword: 8-byte moves while 8 or more are left; a fault retries the same bytes one at a time.
    private static ulong Word(Cpu cpu, StringRegisters regs)
    {
        Span<byte> rax = stackalloc byte[8];
        while (true)
        {
            if (cpu.Load(WordLoad, regs.Rsi, rax) != AccessResult.Ok || cpu.Store(WordStore, regs.Rdi, rax) != AccessResult.Ok)
            {
                return CopyUserTail(cpu, regs);
            }

            regs.Rsi += 8;
            regs.Rdi += 8;
            regs.Rcx -= 8;
            if (regs.Rcx == 0)
            {
                return 0;
            }

            if (regs.Rcx < 8)
            {
                return CopyUserTail(cpu, regs);
            }
        }
    }

    // .Lcopy_user_tail: one byte at a time; a fault exits with rcx = the bytes left, the faulting one included.
    private static ulong CopyUserTail(Cpu cpu, StringRegisters regs)
    {
        Span<byte> al = stackalloc byte[1];
        do
        {
            if (cpu.Load(TailLoad, regs.Rsi, al) != AccessResult.Ok || cpu.Store(TailStore, regs.Rdi, al) != AccessResult.Ok)
            {
                return regs.Rcx;
            }

            regs.Rdi++;
            regs.Rsi++;
            regs.Rcx--;
        }
        while (regs.Rcx != 0);

        return 0;
    }

    // .Llarge: rep movsb with ERMS (a fault returns rcx), else rep movsq for the words and the byte loop for the rest.
    private ulong Large(Cpu cpu, StringRegisters regs)
    {
        if (options.Erms)
        {
            RepMovs.Run(cpu, LargeMovsbLoad, LargeMovsbStore, ref regs, 1, options.FastStringProgress);
            return regs.Rcx;
        }

        var rax = regs.Rcx & 7;
        regs.Rcx >>= 3;
        if (!RepMovs.Run(cpu, LargeMovsqLoad, LargeMovsqStore, ref regs, 8, options.FastStringProgress))
        {
            regs.Rcx = rax + (regs.Rcx * 8);
            return CopyUserTail(cpu, regs);
        }

        regs.Rcx = rax;
        return regs.Rcx != 0 ? CopyUserTail(cpu, regs) : 0;
    }
}
