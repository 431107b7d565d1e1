namespace KernelModel.Arch.RiscV;

/// <summary>The _asm_extable assembler macro (arch/riscv/include/asm/asm-extable.h): an EX_TYPE_FIXUP entry.</summary>
public static class RiscVAsmExtable
{
    /// <summary>The entry _asm_extable emits for <paramref name="site"/>, resuming at <paramref name="fixup"/>.</summary>
    [KernelSymbol("arch/riscv/include/asm/asm-extable.h", "_asm_extable")]
    public static ExtableEntry Entry(CodeSite site, string fixup) => new(site, "EX_TYPE_FIXUP", (int)RiscVExtableType.ExTypeFixup, fixup);
}
