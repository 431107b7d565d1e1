using System.Globalization;

namespace KernelModel.Arch.X86;

/// <summary>
/// How x86 packs an exception-table entry's data word (arch/x86/include/asm/extable_fixup_types.h: type in bits 0-7,
/// register in 8-11, flags in 12-15, a signed immediate in 16-31) and the kernel's names for the types. An
/// <see cref="ExtableEntry.TypeValue"/> of this architecture holds that whole data word, so EX_TYPE_EFAULT_REG is
/// stored with its -EFAULT immediate exactly as the kernel's macro builds it.
/// </summary>
public static class X86Extable
{
    /// <summary>EX_DATA_TYPE_MASK.</summary>
    public const int DataTypeMask = 0x000000FF;

    /// <summary>EX_FLAG_CLEAR_AX: the fixup also zeroes ax (the loaded value).</summary>
    public const int FlagClearAx = 1 << 12;

    /// <summary>EX_DATA_IMM_SHIFT.</summary>
    public const int DataImmShift = 16;

    private static readonly (ExType Type, string Name)[] Names =
    [
        (ExType.None, "EX_TYPE_NONE"), (ExType.Default, "EX_TYPE_DEFAULT"), (ExType.Fault, "EX_TYPE_FAULT"),
        (ExType.Uaccess, "EX_TYPE_UACCESS"), (ExType.Copy, "EX_TYPE_COPY"), (ExType.ClearFs, "EX_TYPE_CLEAR_FS"),
        (ExType.FpuRestore, "EX_TYPE_FPU_RESTORE"), (ExType.Bpf, "EX_TYPE_BPF"), (ExType.Wrmsr, "EX_TYPE_WRMSR"),
        (ExType.Rdmsr, "EX_TYPE_RDMSR"), (ExType.WrmsrSafe, "EX_TYPE_WRMSR_SAFE"), (ExType.RdmsrSafe, "EX_TYPE_RDMSR_SAFE"),
        (ExType.WrmsrInMce, "EX_TYPE_WRMSR_IN_MCE"), (ExType.RdmsrInMce, "EX_TYPE_RDMSR_IN_MCE"),
        (ExType.DefaultMceSafe, "EX_TYPE_DEFAULT_MCE_SAFE"), (ExType.FaultMceSafe, "EX_TYPE_FAULT_MCE_SAFE"),
        (ExType.PopReg, "EX_TYPE_POP_REG"), (ExType.ImmReg, "EX_TYPE_IMM_REG"),
    ];

    /// <summary>EX_TYPE_EFAULT_REG: EX_TYPE_IMM_REG with the immediate -EFAULT (the get_user family and futex since v5.17).</summary>
    [KernelSymbol("arch/x86/include/asm/extable_fixup_types.h", "EX_TYPE_EFAULT_REG")]
    public static int EfaultReg { get; } = (int)ExType.ImmReg | DataImm(-Errno.EFAULT);

    /// <summary>EX_DATA_IMM(imm): an immediate placed in the top half of the data word.</summary>
    public static int DataImm(int imm) => imm << DataImmShift;

    /// <summary>FIELD_GET(EX_DATA_TYPE_MASK, data): the entry type.</summary>
    public static ExType TypeOf(int data) => (ExType)(data & DataTypeMask);

    /// <summary>FIELD_GET(EX_DATA_IMM_MASK, data): the signed immediate (the mask is an int, so the field sign-extends).</summary>
    public static int ImmOf(int data) => data >> DataImmShift;

    /// <summary>The kernel's name of a type ("EX_TYPE_DEFAULT_MCE_SAFE").</summary>
    public static string Name(ExType type) =>
        Names.FirstOrDefault(n => n.Type == type).Name ?? ((int)type).ToString(CultureInfo.InvariantCulture);

    /// <summary>_ASM_EXTABLE_TYPE(site, fixup, type): an entry of a plain type.</summary>
    public static ExtableEntry Entry(CodeSite site, ExType type, string fixup) => new(site, Name(type), (int)type, fixup);

    /// <summary>_ASM_EXTABLE_TYPE_REG(site, fixup, EX_TYPE_EFAULT_REG [| EX_FLAG_CLEAR_AX], reg): the register gets -EFAULT.</summary>
    public static ExtableEntry EfaultRegEntry(CodeSite site, string fixup, bool clearAx = false) =>
        new(site, clearAx ? "EX_TYPE_EFAULT_REG|EX_FLAG_CLEAR_AX" : "EX_TYPE_EFAULT_REG", EfaultReg | (clearAx ? FlagClearAx : 0), fixup);
}
