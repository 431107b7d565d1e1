using KernelModel.Arch.RiscV.Asm;

namespace KernelModel.Arch.RiscV.Tests.Asm;

public sealed class PreprocessorTests
{
    private static IReadOnlyList<SourceLine> Run(string source, int xlen = 64, params (string Name, string Text)[] files)
    {
        var target = AsmTarget.ForXlen(xlen);
        var preprocessor = new Preprocessor(target, (name, angled, includer, at) =>
            files.Where(f => f.Name == name).Select(f => SourceText.FromText(f.Name, f.Text)).FirstOrDefault()
            ?? ModelHeaders.Find(name, target)
            ?? throw new AsmException(at, $"no {name}"));
        return preprocessor.Run(SourceText.FromText("t.S", source));
    }

    private static string[] Texts(IReadOnlyList<SourceLine> lines) => lines.Select(l => l.Text.Trim()).ToArray();

    [Fact]
    public void ObjectAndFunctionLikeMacros_ExpandWithArgumentsExpandedFirst()
    {
        var lines = Run("#define WIDTH 4\n#define TWICE(x) ((x) * 2)\n#define PAIR(a, b) a, b\naddi a0, a0, TWICE(WIDTH)\nPAIR(x1, x2)");

        Assert.Equal(["addi a0, a0, ((4) * 2)", "x1, x2"], Texts(lines));
    }

    [Fact]
    public void StringizeAndPaste()
    {
        var lines = Run("#define NAME(x) #x\n#define GLUE(a, b) a ## b\nNAME(hello) GLUE(lo, ad)");

        Assert.Equal(["\"hello\" load"], Texts(lines));
    }

    [Fact]
    public void IfdefIfndefElseEndif_SelectLines()
    {
        var lines = Run("#define A\n#ifdef A\none\n#else\ntwo\n#endif\n#ifndef A\nthree\n#else\nfour\n#endif");

        Assert.Equal(["one", "four"], Texts(lines));
    }

    [Theory]
    [InlineData(64, "wide")]
    [InlineData(32, "narrow")]
    public void IfWithDefinedAndArithmetic_FollowsXlen(int xlen, string expected)
    {
        var lines = Run("#if defined(CONFIG_64BIT) && __riscv_xlen == 64\nwide\n#elif __riscv_xlen * 2 == 64 || defined UNDEFINED\nnarrow\n#else\nnone\n#endif", xlen);

        Assert.Equal([expected], Texts(lines));
    }

    [Fact]
    public void Comments_BlockAcrossLinesAndLineComments_AreRemovedAndLinesKeepTheirNumbers()
    {
        var lines = Run("a /* one\ntwo */ b\n// gone\nc // tail\n\"/* kept */\"");

        Assert.Equal(["a", "b", "c", "\"/* kept */\""], Texts(lines));
        Assert.Equal([1, 2, 4, 5], lines.Select(l => l.Location.Line));
    }

    [Fact]
    public void Continuation_JoinsLinesUnderTheFirstLineNumber()
    {
        var lines = Run("#define LONG 1 + \\\n 2\nx LONG");

        Assert.Equal(["x 1 +  2"], Texts(lines));
        Assert.Equal(3, lines[0].Location.Line);
    }

    [Theory]
    [InlineData(64, "ld a0, 8(a1)")]
    [InlineData(32, "lw a0, 4(a1)")]
    public void ModelAsmHeader_DefinesRegLAndSzregForXlen(int xlen, string expected)
    {
        var lines = Run("#include <asm/asm.h>\nREG_L a0, SZREG(a1)", xlen);

        Assert.Equal([expected], Texts(lines));
        Assert.Equal(new SourceLocation("t.S", 2), lines[0].Location);
    }

    [Fact]
    public void QuotedInclude_InsertsTheFileWithItsOwnLocations()
    {
        var lines = Run("before\n#include \"part.S\"\nafter", 64, ("part.S", "\ninside"));

        Assert.Equal(["before", "inside", "after"], Texts(lines));
        Assert.Equal(new SourceLocation("part.S", 2), lines[1].Location);
    }

    [Fact]
    public void NonDirectiveHashLine_IsLeftAsAComment()
    {
        Assert.Equal(["x"], Texts(Run("# a remark\nx")));
    }

    [Fact]
    public void UnterminatedIf_IsAnErrorAtTheIf()
    {
        var e = Assert.Throws<AsmException>(() => Run("x\n#ifdef A\ny"));

        Assert.Equal("t.S:2: unterminated conditional: no #endif before the end of the file", e.Message);
    }

    [Fact]
    public void ElseWithoutIf_IsAnError()
    {
        Assert.Equal("t.S:1: #else without #if", Assert.Throws<AsmException>(() => Run("#else")).Message);
    }

    [Fact]
    public void ErrorDirective_StopsWithItsText()
    {
        Assert.Equal("t.S:2: #error no widgets", Assert.Throws<AsmException>(() => Run("#if 1\n#error no widgets\n#endif")).Message);
    }

    [Fact]
    public void Pragma_IsAnUnsupportedDirective()
    {
        Assert.Equal("t.S:1: unsupported preprocessor directive '#pragma'", Assert.Throws<AsmException>(() => Run("#pragma once")).Message);
    }

    [Fact]
    public void WrongArgumentCount_IsAnError()
    {
        var e = Assert.Throws<AsmException>(() => Run("#define F(a, b) a\nF(1)"));

        Assert.Equal("t.S:2: macro F takes 2 arguments, but 1 were given", e.Message);
    }
}
