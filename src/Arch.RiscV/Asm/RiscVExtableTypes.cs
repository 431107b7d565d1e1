
namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// RISC-V's exception-table entry types (arch/riscv/include/asm/asm-extable.h, EX_TYPE_*), in value order. The
/// assembler names an assembled entry's type from this table; <c>_asm_extable</c> emits EX_TYPE_FIXUP, whose handler
/// (arch/riscv/mm/extable.c, ex_handler_fixup) only moves the PC to the fixup label.
/// </summary>
[KernelSymbol("arch/riscv/include/asm/asm-extable.h", "EX_TYPE_FIXUP")]
public static class RiscVExtableTypes
{
    /// <summary>EX_TYPE_FIXUP: resume at the fixup address.</summary>
    public const int Fixup = 1;

    /// <summary>The types by value: name.</summary>
    public static IReadOnlyList<(int Value, string Name)> All { get; } =
    [
        (0, "EX_TYPE_NONE"),
        (Fixup, "EX_TYPE_FIXUP"),
        (2, "EX_TYPE_BPF"),
        (3, "EX_TYPE_UACCESS_ERR_ZERO"),
        (4, "EX_TYPE_LOAD_UNALIGNED_ZEROPAD"),
    ];

    /// <summary>The name of a type value, or null when RISC-V has no such type.</summary>
    public static string? NameOf(long value) => All.Where(t => t.Value == value).Select(t => t.Name).FirstOrDefault();
}
