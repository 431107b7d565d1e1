namespace KernelModel.Arch.X86;

/// <summary>
/// fixup_exception() (arch/x86/mm/extable.c): search the exception table for the faulting instruction and run
/// the handler of its type. Every handler the model's entries use ends in ex_handler_default (regs-&gt;ip = the
/// fixup), after storing the trap number (FAULT types) or the immediate (IMM_REG, e.g. -EFAULT) in a register;
/// the *_MCE_SAFE types fix up exactly as their plain types. The trap number is not consulted, so a #PF on a
/// bad kernel pointer inside copy_mc_fragile or copy_mc_enhanced_fast_string is fixed up too. A type with no
/// handler hits BUG().
/// </summary>
public sealed class X86ExceptionFixup(Machine machine, ExceptionTable extable, X86Options options)
{
    /// <summary>X86_TRAP_PF: page fault.</summary>
    public const int TrapPf = 14;

    /// <summary>X86_TRAP_MC: machine check.</summary>
    public const int TrapMc = 18;

    /// <summary>The table searched.</summary>
    public ExceptionTable Extable => extable;

    /// <summary>fixup_exception(regs, trapnr, ...): the entry whose fixup was taken, or null (the kernel's 0) when there is none.</summary>
    [KernelSymbol("arch/x86/mm/extable.c", "fixup_exception")]
    public ExtableEntry? FixupException(Cpu cpu, CodeSite ip, int trapnr)
    {
        if (extable.Search(ip) is not { } e)
        {
            return null;
        }

        switch (X86Extable.TypeOf(e.TypeValue))
        {
            case ExType.Default or ExType.DefaultMceSafe or ExType.Fault or ExType.FaultMceSafe or ExType.Uaccess or ExType.Copy
                or ExType.ClearFs or ExType.FpuRestore or ExType.Bpf or ExType.Wrmsr or ExType.Rdmsr or ExType.WrmsrSafe
                or ExType.RdmsrSafe or ExType.PopReg or ExType.ImmReg:
                return e;
            default:
                // BUG(): ud2, reported as an invalid-opcode oops.
                throw machine.Die(cpu, n => string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"Oops: invalid opcode: 0000 [#{n}]{options.DieHeaderConfig}"));
        }
    }
}
