namespace KernelModel.Arch.RiscV;

/// <summary>
/// RISC-V's exception-table entry types (arch/riscv/include/asm/asm-extable.h), members PascalCase of the kernel
/// macros, values the kernel's.
/// </summary>
[KernelSymbol("arch/riscv/include/asm/asm-extable.h", "EX_TYPE_FIXUP")]
public enum RiscVExtableType
{
    /// <summary>EX_TYPE_NONE.</summary>
    ExTypeNone = 0,

    /// <summary>EX_TYPE_FIXUP: what _asm_extable emits; the handler only moves sepc to the fixup label.</summary>
    ExTypeFixup = 1,

    /// <summary>EX_TYPE_BPF.</summary>
    ExTypeBpf = 2,

    /// <summary>EX_TYPE_UACCESS_ERR_ZERO.</summary>
    ExTypeUaccessErrZero = 3,

    /// <summary>EX_TYPE_LOAD_UNALIGNED_ZEROPAD.</summary>
    ExTypeLoadUnalignedZeropad = 4,
}
