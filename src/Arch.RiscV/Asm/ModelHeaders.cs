using System.Text;

namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// The model's own definitions of the kernel headers a RISC-V assembler routine includes but a patch does not carry:
/// linux/linkage.h (SYM_FUNC_* as the GNU as directives they stand for), asm/asm.h (REG_L / REG_S / SZREG / LGREG for
/// the target's XLEN) and asm/asm-extable.h (the EX_TYPE_* values and <c>_asm_extable</c>). They are written here from
/// what those headers mean, not copied; an entry of the exception table is the model directive
/// <c>.kmodel_extable insn, fixup, type, data</c>, which stands for the <c>__ex_table</c> record that
/// __ASM_EXTABLE_RAW emits (the instruction, its fixup, the type and the data).
/// </summary>
[KernelSymbol("include/linux/linkage.h", "SYM_FUNC_START")]
[KernelSymbol("include/linux/linkage.h", "SYM_FUNC_END")]
[KernelSymbol("include/linux/linkage.h", "SYM_FUNC_ALIAS")]
[KernelSymbol("include/linux/linkage.h", "SYM_FUNC_ALIAS_WEAK")]
[KernelSymbol("arch/riscv/include/asm/asm.h", "REG_L")]
[KernelSymbol("arch/riscv/include/asm/asm.h", "REG_S")]
[KernelSymbol("arch/riscv/include/asm/asm.h", "SZREG")]
[KernelSymbol("arch/riscv/include/asm/asm-extable.h", "_asm_extable")]
[KernelSymbol("arch/riscv/include/asm/asm-extable.h", "__ASM_EXTABLE_RAW")]
public static class ModelHeaders
{
    /// <summary>The prefix of a model header's path in locations, e.g. <c>kmodel:linux/linkage.h</c>.</summary>
    public const string PathPrefix = "kmodel:";

    /// <summary>The include names the model defines.</summary>
    public static IReadOnlyList<string> Names { get; } = ["linux/linkage.h", "asm/asm.h", "asm/asm-extable.h"];

    /// <summary>The model's text of <paramref name="include"/> (as written in <c>#include &lt;...&gt;</c>), or null.</summary>
    public static SourceText? Find(string include, AsmTarget target) => include switch
    {
        "linux/linkage.h" => Text(include, "_KMODEL_LINUX_LINKAGE_H", Linkage()),
        "asm/asm.h" => Text(include, "_KMODEL_ASM_ASM_H", Asm(target)),
        "asm/asm-extable.h" => Text(include, "_KMODEL_ASM_ASM_EXTABLE_H", Extable()),
        _ => null,
    };

    // Guarded, as the kernel's headers are, so that a second #include adds nothing.
    private static SourceText Text(string include, string guard, string text) =>
        SourceText.FromText(PathPrefix + include, $"#ifndef {guard}\n#define {guard}\n{text}\n#endif");

    // A function is a global (or weak, or file-local) symbol of type function, 4-byte aligned (riscv's __ALIGN),
    // whose size runs to SYM_FUNC_END; an alias is a second name set to the same address.
    private static string Linkage() => string.Join('\n',
        "#define SYM_FUNC_START(name) .globl name ; .balign 4 ; .type name, @function ; name:",
        "#define SYM_FUNC_START_LOCAL(name) .balign 4 ; .type name, @function ; name:",
        "#define SYM_FUNC_START_WEAK(name) .weak name ; .balign 4 ; .type name, @function ; name:",
        "#define SYM_FUNC_END(name) .size name, . - name",
        "#define SYM_FUNC_ALIAS(alias, name) .globl alias ; .set alias, name",
        "#define SYM_FUNC_ALIAS_LOCAL(alias, name) .set alias, name",
        "#define SYM_FUNC_ALIAS_WEAK(alias, name) .weak alias ; .set alias, name");

    // REG_L / REG_S are the XLEN-wide load and store, SZREG their width in bytes and LGREG its log2.
    private static string Asm(AsmTarget target) => target.Xlen == 64
        ? "#define REG_L ld\n#define REG_S sd\n#define SZREG 8\n#define LGREG 3"
        : "#define REG_L lw\n#define REG_S sw\n#define SZREG 4\n#define LGREG 2";

    private static string Extable()
    {
        var text = new StringBuilder();
        foreach (var (value, name) in RiscVExtableTypes.All)
        {
            text.Append("#define ").Append(name).Append(' ').Append(value).Append('\n');
        }

        text.Append("#define __ASM_EXTABLE_RAW(insn, fixup, type, data) .kmodel_extable insn, fixup, type, data\n");
        text.Append(".macro _asm_extable, insn, fixup\n");
        text.Append(".kmodel_extable \\insn, \\fixup, EX_TYPE_FIXUP, 0\n");
        text.Append(".endm");
        return text.ToString();
    }
}
