namespace KernelModel.Arch.X86;

/// <summary>
/// The x86 exception-table entry types with the kernel's numbers (arch/x86/include/asm/extable_fixup_types.h,
/// EX_TYPE_*). The number sits in the low byte of an entry's data word (EX_DATA_TYPE_MASK); composite types such
/// as EX_TYPE_EFAULT_REG add an immediate in the top half (see <see cref="X86Extable"/>).
/// </summary>
[KernelSymbol("arch/x86/include/asm/extable_fixup_types.h", "EX_TYPE_DEFAULT")]
public enum ExType
{
    /// <summary>EX_TYPE_NONE: no entry (ex_get_fixup_type's answer for an address without one).</summary>
    None = 0,

    /// <summary>EX_TYPE_DEFAULT: jump to the fixup (_ASM_EXTABLE).</summary>
    Default = 1,

    /// <summary>EX_TYPE_FAULT: store the trap number in ax, then jump.</summary>
    Fault = 2,

    /// <summary>EX_TYPE_UACCESS: a user access (_ASM_EXTABLE_UA).</summary>
    Uaccess = 3,

    /// <summary>
    /// EX_TYPE_COPY: the user-copy entries of v5.12's _ASM_EXTABLE_CPY. Linus Torvalds' copy_user rewrite
    /// (034ff37d3407, v6.4) removed every such entry (Borislav Petkov, 2023 mail); error_context still names it.
    /// </summary>
    Copy = 4,

    /// <summary>EX_TYPE_CLEAR_FS.</summary>
    ClearFs = 5,

    /// <summary>EX_TYPE_FPU_RESTORE.</summary>
    FpuRestore = 6,

    /// <summary>EX_TYPE_BPF.</summary>
    Bpf = 7,

    /// <summary>EX_TYPE_WRMSR.</summary>
    Wrmsr = 8,

    /// <summary>EX_TYPE_RDMSR.</summary>
    Rdmsr = 9,

    /// <summary>EX_TYPE_WRMSR_SAFE (reg := -EIO).</summary>
    WrmsrSafe = 10,

    /// <summary>EX_TYPE_RDMSR_SAFE (reg := -EIO).</summary>
    RdmsrSafe = 11,

    /// <summary>EX_TYPE_WRMSR_IN_MCE: an MSR write that faulted inside the machine-check handler.</summary>
    WrmsrInMce = 12,

    /// <summary>EX_TYPE_RDMSR_IN_MCE.</summary>
    RdmsrInMce = 13,

    /// <summary>EX_TYPE_DEFAULT_MCE_SAFE: as DEFAULT, and a kernel-mode #MC here is recoverable.</summary>
    DefaultMceSafe = 14,

    /// <summary>EX_TYPE_FAULT_MCE_SAFE: as FAULT, and a kernel-mode #MC here is recoverable.</summary>
    FaultMceSafe = 15,

    /// <summary>EX_TYPE_POP_REG (sp += sizeof(long)).</summary>
    PopReg = 16,

    /// <summary>EX_TYPE_IMM_REG (reg := (long)imm); EX_TYPE_EFAULT_REG is this type with imm -EFAULT.</summary>
    ImmReg = 17,
}
