using KernelModel.Simulation.Reports;

namespace KernelModel.Simulation.Tests.Reports;

public sealed class TextTableTests
{
    private static TextTable Sample()
    {
        var t = new TextTable(["name", "count"], [false, true]);
        t.Add(("riscv64", Style.None), ("12", Style.Bad));
        t.Add(("x", Style.None), ("3", Style.Good));
        return t;
    }

    [Fact]
    public void Write_WithoutColour_PadsColumnsAndRightAlignsNumbers()
    {
        using var w = new StringWriter();

        Sample().Write(w, color: false);

        Assert.Equal("name     count\n-------  -----\nriscv64     12\nx            3\n", w.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Write_WithColour_WrapsStyledCellsInSgrAndKeepsTheAlignment()
    {
        using var w = new StringWriter();

        Sample().Write(w, color: true);

        var lines = w.ToString().ReplaceLineEndings("\n").Split('\n');
        Assert.Equal("riscv64     \u001b[31m12\u001b[0m", lines[2]);
        Assert.Equal("\u001b[1mname\u001b[0m     \u001b[1mcount\u001b[0m", lines[0]);
    }

    [Theory]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    [InlineData(false, false, false)]
    public void Color_OnlyOnATerminalWithoutNoColor(bool terminal, bool noColor, bool color)
    {
        Assert.Equal(color, new TerminalInfo(terminal, terminal, noColor).Color);
    }

    [Fact]
    public void Add_RowOfTheWrongWidth_Throws()
    {
        Assert.Throws<ArgumentException>(() => Sample().Add("only one"));
    }
}
