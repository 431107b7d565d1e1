using static KernelModel.Arch.X86.MceRegisters;

namespace KernelModel.Arch.X86;

/// <summary>
/// The machine-check grading of arch/x86/kernel/cpu/mce/severity.c: error_context() decides where the error was
/// consumed (user, kernel, kernel-recoverable, and whether the kernel was copying from user memory), then
/// mce_severity_intel() walks severities[] top to bottom and the first matching row wins; any row at
/// MCE_UC_SEVERITY or worse matched in IN_KERNEL context is promoted to MCE_PANIC_SEVERITY. The modelled CPU
/// is an Intel one with software error recovery (MCG_SER_P, mca_cfg.ser) and is none of the models the quirk
/// rows name.
/// </summary>
public sealed class MceSeverity
{
    private const ulong MciUcS = MciStatusUc | MciStatusS;
    private const ulong MciUcAr = MciStatusUc | MciStatusAr;
    private const ulong MciUcSar = MciStatusUc | MciStatusS | MciStatusAr;
    private const ulong MciAddr = MciStatusAddrv | MciStatusMiscv;

    private readonly ExceptionTable _extable;
    private readonly IReadOnlyDictionary<CodeSite, X86Instruction> _instructions;
    private readonly X86Options _options;
    private readonly ulong _taskSizeMax;
    private readonly Func<bool> _memoryFailure;

    /// <summary>Grades against an architecture's exception table and instructions.</summary>
    /// <param name="extable">The exception table ex_get_fixup_type searches.</param>
    /// <param name="instructions">The instruction at each site, for is_copy_from_user's decoder.</param>
    /// <param name="options">The profile's options.</param>
    /// <param name="taskSizeMax">TASK_SIZE_MAX: fault_in_kernel_space() is true from here up.</param>
    /// <param name="memoryFailure">
    /// CONFIG_MEMORY_FAILURE, asked when grading (the machine plugs its handler in after the architecture): without
    /// it the action-required rows are compiled out and every SRAR grades "Action required: unknown MCACOD" (panic).
    /// </param>
    public MceSeverity(ExceptionTable extable, IReadOnlyDictionary<CodeSite, X86Instruction> instructions, X86Options options, ulong taskSizeMax, Func<bool> memoryFailure)
    {
        _extable = extable;
        _instructions = instructions;
        _options = options;
        _taskSizeMax = taskSizeMax;
        _memoryFailure = memoryFailure;
    }

    /// <summary>severities[]: first match wins; keep "No match" last.</summary>
    [KernelSymbol("arch/x86/kernel/cpu/mce/severity.c", "severities")]
    public static IReadOnlyList<SeverityRule> Severities { get; } =
    [
        new(MceSeverityLevel.No, "Invalid", Mask: MciStatusVal, Result: 0),
        new(MceSeverityLevel.No, "Not enabled", Excp: true, Mask: MciStatusEn, Result: 0),
        new(MceSeverityLevel.Panic, "Processor context corrupt", Mask: MciStatusPcc, Result: MciStatusPcc),
        new(MceSeverityLevel.Panic, "MCIP not set in MCA handler", Excp: true, McgMask: McgStatusMcip, McgRes: 0),
        new(MceSeverityLevel.Panic, "Neither restart nor error IP", Excp: true, McgMask: McgStatusRipv | McgStatusEipv, McgRes: 0),
        new(MceSeverityLevel.Panic, "In kernel and no restart IP", Excp: true, Context: MceErrorContext.InKernel, McgMask: McgStatusRipv, McgRes: 0),
        new(MceSeverityLevel.Panic, "In kernel and no restart IP", Excp: true, Context: MceErrorContext.InKernelRecov, McgMask: McgStatusRipv, McgRes: 0),
        new(MceSeverityLevel.Keep, "Corrected error", Ser: false, Mask: MciStatusUc, Result: 0),
        new(MceSeverityLevel.Ao, "Action optional: memory scrubbing error", Ser: true, Mask: MciUcAr | McacodScrubMsk, Result: MciStatusUc | McacodScrub),
        new(MceSeverityLevel.Ao, "Action optional: last level cache writeback error", Ser: true, Mask: MciUcAr | Mcacod, Result: MciStatusUc | McacodL3Wb),
        new(MceSeverityLevel.Ao, "Uncorrected Patrol Scrub Error", Ser: true, Mask: MciStatusUc | MciAddr | 0xffffeff0, Result: MciAddr | 0x001000c0,
            CpuModel: "INTEL_FAM6_SKYLAKE_X", CpuMinStepping: 4, BankLo: 13, BankHi: 18),
        new(MceSeverityLevel.Deferred, "Uncorrected no action required", Ser: true, Mask: MciUcSar, Result: MciStatusUc),
        new(MceSeverityLevel.Panic, "Illegal combination (UCNA with AR=1)", Ser: true, Mask: MciStatusOver | MciUcSar, Result: MciStatusUc | MciStatusAr),
        new(MceSeverityLevel.Keep, "Non signaled machine check", Ser: true, Mask: MciStatusS, Result: 0),
        new(MceSeverityLevel.Panic, "Action required with lost events", Ser: true, Mask: MciStatusOver | MciUcSar, Result: MciStatusOver | MciUcSar),
        new(MceSeverityLevel.Keep, "Action required but unaffected thread is continuable", Ser: true, Mask: MciStatusOver | MciUcSar | MciAddr, Result: MciUcSar | MciAddr,
            McgMask: McgStatusRipv | McgStatusEipv, McgRes: McgStatusRipv, MemoryFailureOnly: true),
        new(MceSeverityLevel.Ar, "Action required: data load in error recoverable area of kernel", Ser: true, Mask: MciStatusOver | MciUcSar | MciAddr | Mcacod,
            Result: MciUcSar | MciAddr | McacodData, Context: MceErrorContext.InKernelRecov, MemoryFailureOnly: true),
        new(MceSeverityLevel.Ar, "Action required: data load error in a user process", Ser: true, Mask: MciStatusOver | MciUcSar | MciAddr | Mcacod,
            Result: MciUcSar | MciAddr | McacodData, Context: MceErrorContext.InUser, MemoryFailureOnly: true),
        new(MceSeverityLevel.Ar, "Action required: instruction fetch error in a user process", Ser: true, Mask: MciStatusOver | MciUcSar | MciAddr | Mcacod,
            Result: MciUcSar | MciAddr | McacodInstr, Context: MceErrorContext.InUser, MemoryFailureOnly: true),
        new(MceSeverityLevel.Panic, "Data load in unrecoverable area of kernel", Ser: true, Mask: MciStatusOver | MciUcSar | MciAddr | Mcacod,
            Result: MciUcSar | MciAddr | McacodData, Context: MceErrorContext.InKernel, MemoryFailureOnly: true),
        new(MceSeverityLevel.Panic, "Instruction fetch error in kernel", Ser: true, Mask: MciStatusOver | MciUcSar | MciAddr | Mcacod,
            Result: MciUcSar | MciAddr | McacodInstr, Context: MceErrorContext.InKernel, MemoryFailureOnly: true),
        new(MceSeverityLevel.Panic, "Action required: unknown MCACOD", Ser: true, Mask: MciStatusOver | MciUcSar, Result: MciUcSar),
        new(MceSeverityLevel.Some, "Action optional: unknown MCACOD", Ser: true, Mask: MciStatusOver | MciUcSar, Result: MciUcS),
        new(MceSeverityLevel.Some, "Action optional with lost events", Ser: true, Mask: MciStatusOver | MciUcSar, Result: MciStatusOver | MciUcS),
        new(MceSeverityLevel.Panic, "Overflowed uncorrected", Mask: MciStatusOver | MciStatusUc, Result: MciStatusOver | MciStatusUc),
        new(MceSeverityLevel.Uc, "Uncorrected", Mask: MciStatusUc, Result: MciStatusUc),
        new(MceSeverityLevel.Some, "No match", Mask: 0, Result: 0),
    ];

    /// <summary>
    /// mce_severity() on Intel (mce_severity_intel): grades <paramref name="m"/>, setting its kflags, and returns the
    /// severity and the matching row's message. <paramref name="regs"/> is the interrupted context, or null when
    /// the monarch re-grades another CPU's record (mce_reign), where is_copy_from_user() sees no registers.
    /// </summary>
    [KernelSymbol("arch/x86/kernel/cpu/mce/severity.c", "mce_severity")]
    public MceSeverityLevel Grade(MachineCheckRecord m, HardwareErrorEvent? regs, bool isExcp, out string msg)
    {
        var ctx = ErrorContext(m, regs);
        foreach (var s in Severities)
        {
            if ((m.Status & s.Mask) != s.Result || (m.McgStatus & s.McgMask) != s.McgRes)
            {
                continue;
            }

            // mca_cfg.ser is set: SER rows apply, NO_SER rows do not.
            if (s.Ser == false || (s.MemoryFailureOnly && !_memoryFailure()))
            {
                continue;
            }

            if ((s.Context != MceErrorContext.Any && ctx != s.Context) || (s.Excp is { } excp && excp != isExcp))
            {
                continue;
            }

            if (s.CpuModel is not null || (s.BankLo != 0 && (m.Bank < s.BankLo || m.Bank > s.BankHi)))
            {
                continue;
            }

            msg = s.Msg;
            return s.Sev >= MceSeverityLevel.Uc && ctx == MceErrorContext.InKernel ? MceSeverityLevel.Panic : s.Sev;
        }

        throw new InvalidOperationException("severities[] ends with a row that always matches");
    }

    /// <summary>
    /// error_context(m, regs): IN_USER for RPL 3; IN_KERNEL without both RIPV and EIPV; otherwise by the
    /// exception-table entry at the IP. A uaccess entry (EX_TYPE_UACCESS, the older EX_TYPE_COPY, and with the 2025
    /// fix EX_TYPE_EFAULT_REG) is recoverable only while the instruction reads user memory (MCE_IN_KERNEL_COPYIN);
    /// the MCE-safe types are recoverable (MCE_IN_KERNEL_RECOV); everything else is IN_KERNEL.
    /// </summary>
    [KernelSymbol("arch/x86/kernel/cpu/mce/severity.c", "error_context")]
    public MceErrorContext ErrorContext(MachineCheckRecord m, HardwareErrorEvent? regs)
    {
        if ((m.Cs & 3) == 3)
        {
            return MceErrorContext.InUser;
        }

        const ulong recoverable = McgStatusRipv | McgStatusEipv;
        if ((m.McgStatus & recoverable) != recoverable || _extable.Search(m.Ip) is not { } entry)
        {
            return MceErrorContext.InKernel;
        }

        var copyUser = IsCopyFromUser(regs, out var vaddr);
        if (copyUser)
        {
            m.McVaddr = vaddr;
        }

        switch (X86Extable.TypeOf(entry.TypeValue))
        {
            case ExType.Uaccess or ExType.Copy when _options.CopyinRecovery != CopyinRecovery.None && copyUser:
            case ExType.ImmReg when _options.EfaultRegCopyin && _options.CopyinRecovery != CopyinRecovery.None && copyUser
                                    && X86Extable.ImmOf(entry.TypeValue) == -Errno.EFAULT:
                m.Kflags |= MceKflags.InKernelCopyin | MceKflags.InKernelRecov;
                return MceErrorContext.InKernelRecov;
            case ExType.FaultMceSafe or ExType.DefaultMceSafe:
                m.Kflags |= MceKflags.InKernelRecov;
                return MceErrorContext.InKernelRecov;
            default:
                return MceErrorContext.InKernel;
        }
    }

    /// <summary>
    /// is_copy_from_user(regs): decodes the instruction at the IP; only MOV (0x8A, 0x8B), MOVZX (0F B6, 0F B7) and
    /// REP MOVS (0xA4, 0xA5) qualify, and only when the address read (the operand, or rsi for MOVS: in the model
    /// both are the load's address) is a user address. The address is what the kernel records in current-&gt;mce_vaddr.
    /// </summary>
    [KernelSymbol("arch/x86/kernel/cpu/mce/severity.c", "is_copy_from_user")]
    public bool IsCopyFromUser(HardwareErrorEvent? regs, out ulong addr)
    {
        addr = 0;
        if (regs is null || !_instructions.TryGetValue(regs.Site, out var insn))
        {
            return false;
        }

        if (!DecodesAsCopy(insn.Opcode))
        {
            return false;
        }

        addr = regs.VirtualAddress;
        return !FaultInKernelSpace(addr);
    }

    /// <summary>The opcodes is_copy_from_user() accepts: MOV mem,reg (0x8A, 0x8B), MOVZX (0F B6, 0F B7), REP MOVS (0xA4, 0xA5).</summary>
    public static bool DecodesAsCopy(int opcode) => opcode is X86Instruction.MovLoad8 or X86Instruction.MovLoad
        or X86Instruction.Movzx8 or X86Instruction.Movzx16 or X86Instruction.Movsb or X86Instruction.Movsq;

    /// <summary>
    /// Whether a kernel-mode machine check at this entry's site grades IN_KERNEL_RECOV: always for the MCE-safe
    /// types; for a uaccess entry (UACCESS, COPY, EFAULT_REG with the fix) when its instruction is one the decoder
    /// accepts and it reads a user address, which depends on the call (copy_user_generic reads user memory for
    /// copy_from_user and kernel memory for copy_to_user), so this answers for the user-reading use.
    /// </summary>
    public bool RecoverableSite(ExtableEntry entry)
    {
        if (!_memoryFailure())
        {
            return false;
        }

        var copyin = _options.CopyinRecovery != CopyinRecovery.None && _instructions.TryGetValue(entry.Site, out var insn) && DecodesAsCopy(insn.Opcode);
        return X86Extable.TypeOf(entry.TypeValue) switch
        {
            ExType.FaultMceSafe or ExType.DefaultMceSafe => true,
            ExType.Uaccess or ExType.Copy => copyin,
            ExType.ImmReg => copyin && _options.EfaultRegCopyin && X86Extable.ImmOf(entry.TypeValue) == -Errno.EFAULT,
            _ => false,
        };
    }

    /// <summary>fault_in_kernel_space(address) on x86-64: at or above TASK_SIZE_MAX (the vsyscall page is not modelled).</summary>
    [KernelSymbol("arch/x86/mm/fault.c", "fault_in_kernel_space")]
    public bool FaultInKernelSpace(ulong address) => address >= _taskSizeMax;
}
