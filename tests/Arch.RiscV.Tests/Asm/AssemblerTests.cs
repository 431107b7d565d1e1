using KernelModel.Arch.RiscV.Asm;

namespace KernelModel.Arch.RiscV.Tests.Asm;

public sealed class AssemblerTests
{
    private static string[] Texts(AsmProgram program) => program.Instructions.Select(i => i.Text).ToArray();

    private static string Error(string source, int xlen = 64) =>
        Assert.Throws<AsmException>(() => AsmTestbed.Assemble(source, xlen)).Message;

    [Fact]
    public void Macro_PositionalArguments_SeparatedByCommasOrBlanks()
    {
        var program = AsmTestbed.Assemble(".macro copy op reg addr\n\\op \\reg, \\addr\n.endm\ncopy lb a5, 0(a1)\ncopy sb, a5, 3(t6)");

        Assert.Equal(["lb a5, 0(a1)", "sb a5, 3(t6)"], Texts(program));
    }

    [Fact]
    public void Macro_NamedArgumentsAndDefaults()
    {
        var program = AsmTestbed.Assemble(".macro step, reg, by=1, base:req\naddi \\reg, \\base, \\by\n.endm\nstep base=a1, reg=a0\nstep a2, by = 8, base = a3");

        Assert.Equal(["addi a0, a1, 1", "addi a2, a3, 8"], Texts(program));
    }

    [Fact]
    public void Macro_NestedInvocationsCountersAndSeparators_ExpandAndKeepTheirOrigin()
    {
        var program = AsmTestbed.Assemble(string.Join('\n',
            ".macro inner r", "addi \\r, \\r, \\@", ".endm",
            ".macro OUTER r", "inner \\r", "s\\()\\r\\()x:", "INNER \\r", ".endm",
            "outer a0", "j sa0x"));

        Assert.Equal(["addi a0, a0, 1", "addi a0, a0, 2", "j sa0x"], Texts(program));
        var first = program.Instructions[0];
        Assert.Equal(new SourceLocation(AsmTestbed.File, 9), first.Origin);
        Assert.Equal(new SourceLocation(AsmTestbed.File, 2), first.Location);
        Assert.Equal(["OUTER", "inner"], first.Macros);
        Assert.Equal(1, program.Instructions[2].TargetIndex);
    }

    [Fact]
    public void NumericLocalLabels_MultipleDefinitions_ResolveToTheNearestInTheirDirection()
    {
        var program = AsmTestbed.Assemble("1: nop\nj 1f\n1: nop\nj 1b\nj 1f\nnop\n1: nop\nbeqz a0, 1b");

        var targets = program.Instructions.Where(i => i.Op == AsmOp.Jal || i.Op == AsmOp.Beq).Select(i => i.TargetIndex).ToArray();
        Assert.Equal([2, 2, 6, 6], targets);
    }

    [Fact]
    public void DotLLabels_AreTargetsAndNameThePhaseOfWhatFollows()
    {
        var program = AsmTestbed.Assemble("f:\nnop\n.Lloop:\naddi a0, a0, -1\n2:\nbnez a0, .Lloop\n.Ldone:\nret");

        Assert.Equal(["f", ".Lloop", ".Lloop", ".Ldone"], program.Instructions.Select(i => i.Region));
        Assert.Equal(1, program.Instructions[2].TargetIndex);
    }

    [Fact]
    public void AsmExtable_FromTheModelHeader_IsAnExFixupEntryOnTheInstruction()
    {
        var program = AsmTestbed.Assemble("#include <asm/asm-extable.h>\nf:\n100: lw a0, 0(a1)\n_asm_extable 100b, 7f\nret\n7: li a0, 1\nret");

        var record = Assert.Single(program.Extable);
        Assert.Equal("lw a0, 0(a1)", record.Instruction.Text);
        Assert.Equal("li a0, 1", record.Fixup.Text);
        Assert.Equal((RiscVExtableTypes.Fixup, "EX_TYPE_FIXUP"), (record.TypeValue, record.TypeName));
        var entry = Assert.Single(program.ExceptionTable.Entries);
        Assert.Equal(new CodeSite("f", $"{AsmTestbed.File}:3 lw a0, 0(a1)", SiteAccess.Load), entry.Site);
        Assert.Equal($"7f: {AsmTestbed.File}:6 li a0, 1", entry.Fixup);
    }

    [Fact]
    public void SymFuncMacros_DefineAFunctionItsSizeAndAliases()
    {
        var program = AsmTestbed.Assemble("#include <linux/linkage.h>\nSYM_FUNC_START(__widget)\nnop\nret\nSYM_FUNC_END(__widget)\nSYM_FUNC_ALIAS_WEAK(widget, __widget)\nSYM_FUNC_ALIAS(__pi_widget, __widget)");

        var routine = program.Routine("widget");
        Assert.Equal("__widget", routine.Name);
        Assert.Equal(["__pi_widget", "widget"], routine.Aliases.Order(StringComparer.Ordinal));
        Assert.Equal(2, routine.Body.Count);
        var symbols = program.Symbols.ToDictionary(s => s.Name);
        Assert.Equal((SymbolBinding.Global, 8UL), (symbols["__widget"].Binding, symbols["__widget"].Size!.Value));
        Assert.Equal(SymbolBinding.Weak, symbols["widget"].Binding);
    }

    [Fact]
    public void UnknownRoutine_ListsTheFunctionsThereAre()
    {
        var program = AsmTestbed.Assemble("#include <linux/linkage.h>\nSYM_FUNC_START(g)\nret\nSYM_FUNC_END(g)");

        Assert.Equal("routine 'h' is not a function or label of the assembled text: valid are g", Assert.Throws<ArgumentException>(() => program.Routine("h")).Message);
    }

    [Fact]
    public void PlainLabels_AreRoutinesUpToTheNextLabel()
    {
        var program = AsmTestbed.Assemble("one:\nnop\n.Linner:\nret\ntwo:\nli a0, 2\nret");

        Assert.Equal(["nop", "ret"], program.Routine("one").Body.Select(i => i.Text));
        Assert.Equal(["li a0, 2", "ret"], program.Routine("two").Body.Select(i => i.Text));
    }

    [Fact]
    public void UnknownInstruction_NamesFileLineAndInstruction()
    {
        Assert.StartsWith($"{AsmTestbed.File}:2: unknown instruction 'vle8.v v0, (a1)'", Error("nop\nvle8.v v0, (a1)"), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownInstructionInsideAMacro_NamesTheInvokingLineAndTheBodyLine()
    {
        var message = Error(".macro load r\nmul \\r, \\r, \\r\n.endm\nnop\nload a0");

        Assert.StartsWith($"{AsmTestbed.File}:5: unknown instruction 'mul a0, a0, a0'", message, StringComparison.Ordinal);
        Assert.EndsWith($"(in macro load, {AsmTestbed.File}:2)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedDirective_IsAnError()
    {
        Assert.Equal($"{AsmTestbed.File}:1: unsupported directive '.pushsection' in '.pushsection __ex_table, \"a\"'", Error(".pushsection __ex_table, \"a\""));
    }

    [Fact]
    public void Rv64InstructionOnRv32_IsAnError()
    {
        Assert.Equal($"{AsmTestbed.File}:1: 'ld a0, 0(a1)': ld is an RV64 instruction, not in RV32I", Error("ld a0, 0(a1)", xlen: 32));
    }

    [Fact]
    public void ImmediateOutOfRange_IsAnError()
    {
        Assert.Equal($"{AsmTestbed.File}:1: 'addi a0, a0, 4096': immediate 4096 is out of range for addi (-2048..2047)", Error("addi a0, a0, 4096"));
    }

    [Fact]
    public void BadRegister_IsAnError()
    {
        Assert.Equal($"{AsmTestbed.File}:1: 'add a0, a9, a1': 'a9' is not a register", Error("add a0, a9, a1"));
    }

    [Fact]
    public void LocalLabelWithNoLaterDefinition_IsAnErrorAtTheReference()
    {
        Assert.Equal($"{AsmTestbed.File}:2: local label '3f' has no later definition '3:'", Error("3: nop\nj 3f"));
    }

    [Fact]
    public void UndefinedLabel_IsAnError()
    {
        Assert.Equal($"{AsmTestbed.File}:1: undefined label '.Lnowhere'", Error("beqz a0, .Lnowhere"));
    }

    [Fact]
    public void MacroWithoutEndm_IsAnErrorAtItsStart()
    {
        Assert.Equal($"{AsmTestbed.File}:2: .macro m has no .endm", Error("nop\n.macro m\nnop"));
    }

    [Fact]
    public void MacroArgumentErrors_TooManyUnknownNameMissingRequired()
    {
        const string macro = ".macro m a, b:req\nnop\n.endm\n";

        Assert.StartsWith($"{AsmTestbed.File}:4: too many arguments for macro m", Error(macro + "m 1, 2, 3"), StringComparison.Ordinal);
        Assert.Equal($"{AsmTestbed.File}:4: macro m has no parameter 'c' (its parameters: a, b)", Error(macro + "m c=1, b=2"));
        Assert.Equal($"{AsmTestbed.File}:4: macro m requires a value for parameter 'b'", Error(macro + "m 1"));
    }

    [Fact]
    public void SecondExtableEntryForOneInstruction_IsAnError()
    {
        var message = Error("#include <asm/asm-extable.h>\n1: lw a0, 0(a1)\n_asm_extable 1b, 2f\n_asm_extable 1b, 2f\n2: ret");

        Assert.Equal($"{AsmTestbed.File}:4: a second exception-table entry for 'lw a0, 0(a1)' (the first is at {AsmTestbed.File}:3) (in macro _asm_extable, kmodel:asm/asm-extable.h:10)", message);
    }

    [Fact]
    public void RecursiveMacro_IsAnErrorNotAHang()
    {
        Assert.StartsWith($"{AsmTestbed.File}:4: macro expansion nested more than 64 deep", Error(".macro again\nagain\n.endm\nagain"), StringComparison.Ordinal);
    }

    [Fact]
    public void GasPrecedence_BitwiseBindsTighterThanAddition()
    {
        // GNU as: & before +, so 3 + 4 & 1 is 3 + (4 & 1); C would give (3 + 4) & 1.
        Assert.Equal(["addi a0, a0, 3"], Texts(AsmTestbed.Assemble("addi a0, a0, 3 + 4 & 1")));
        Assert.Equal(1, Expression.Evaluate("3 + 4 & 1", ExpressionDialect.Preprocessor, _ => null, new SourceLocation("t", 1)));
    }

    [Fact]
    public void DeeplyNestedExpression_IsAnError()
    {
        var text = new string('(', 300) + "1" + new string(')', 300);

        Assert.Equal($"{AsmTestbed.File}:1: expression '{text}' is nested more than 200 deep", Error($"addi a0, a0, {text}"));
    }

    [Fact]
    public void DuplicateLabel_NamesTheFirstDefinition()
    {
        Assert.Equal($"{AsmTestbed.File}:2: label 'x' is already defined at {AsmTestbed.File}:1", Error("x: nop\nx: nop"));
    }

    [Fact]
    public void IncludeMissingFromThePatchAndTheModel_IsAnErrorAtTheInclude()
    {
        var patch = PatchReader.Parse(NewFiles(("arch/riscv/lib/f.S", "#include <linux/linkage.h>\n#include <asm/widget.h>\nSYM_FUNC_START(f)\nret\nSYM_FUNC_END(f)")), "missing.diff");

        var e = Assert.Throws<AsmException>(() => PatchAssembler.Assemble(patch, AsmTarget.Rv64, "f"));

        Assert.Equal("arch/riscv/lib/f.S:2: #include <asm/widget.h>: not in the patch, and not one of the headers the model defines (linux/linkage.h, asm/asm.h, asm/asm-extable.h)", e.Message);
    }

    [Fact]
    public void PatchAssembler_TemplateIncludedByTheUnit_IsNoUnitAndTheUnitNamingTheRoutineIsAssembled()
    {
        var patch = PatchReader.Parse(NewFiles(
            ("arch/riscv/lib/body.S", "addi a0, a0, SZREG"),
            ("arch/riscv/lib/g.S", "#include <linux/linkage.h>\n#include <asm/asm.h>\nSYM_FUNC_START(g)\n#include \"body.S\"\nret\nSYM_FUNC_END(g)")), "two.diff");

        var routine = PatchAssembler.Assemble(patch, AsmTarget.Rv32, "g");

        Assert.Equal(["addi a0, a0, 4", "ret"], routine.Body.Select(i => i.Text));
        Assert.Equal(new SourceLocation("arch/riscv/lib/body.S", 1), routine.Body[0].Origin);
    }

    [Fact]
    public void PatchAssembler_RoutineNamedNowhere_ListsTheUnits()
    {
        var patch = PatchReader.Parse(NewFiles(("arch/riscv/lib/g.S", "g: ret")), "one.diff");

        var e = Assert.Throws<ArgumentException>(() => PatchAssembler.Assemble(patch, AsmTarget.Rv64, "h"));

        Assert.Equal("routine 'h' is not named in the patch's assembler sources under arch/riscv/lib/ (translation units: arch/riscv/lib/g.S)", e.Message);
    }

    /// <summary>A plain unified diff creating the given files.</summary>
    internal static string NewFiles(params (string Path, string Text)[] files) => string.Concat(files.Select(f =>
    {
        var lines = f.Text.Split('\n');
        return $"--- /dev/null\n+++ b/{f.Path}\n@@ -0,0 +1,{lines.Length} @@\n" + string.Concat(lines.Select(l => "+" + l + "\n"));
    }));
}
