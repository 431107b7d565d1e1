using KernelModel.Arch.RiscV.Asm;

namespace KernelModel.Arch.RiscV.Tests.Asm;

public sealed class PatchReaderTests
{
    // An original example mail: headers, message, diffstat, a new file, a changed file, a signature.
    private const string Mail = """
        From: A Developer <dev at example.org>
        Subject: [PATCH] riscv: add a widget

        The widget counts.

        Acked-by: A Developer <dev at example.org>
        ---
         arch/riscv/lib/widget.S | 3 +++
         arch/riscv/lib/Makefile | 1 +
        diff --git a/arch/riscv/lib/widget.S b/arch/riscv/lib/widget.S
        new file mode 100644
        index 000000000000..1111111111111
        --- /dev/null
        +++ b/arch/riscv/lib/widget.S
        @@ -0,0 +1,3 @@
        +/* count */
        +
        +	addi a0, a0, 1
        diff --git a/arch/riscv/lib/Makefile b/arch/riscv/lib/Makefile
        index 2222222..3333333 100644
        --- a/arch/riscv/lib/Makefile
        +++ b/arch/riscv/lib/Makefile
        @@ -4,3 +4,4 @@ lib-y += one.o

         lib-y += two.o
        -lib-y += three.o
        +lib-y += three.o
        +lib-y += widget.o
        -- 
        2.40.0
        """;

    [Fact]
    public void Mail_FilesKindsAndSubject()
    {
        var patch = PatchReader.Parse(Mail, "mail.txt");

        Assert.Equal("[PATCH] riscv: add a widget", patch.Subject);
        Assert.Equal(["arch/riscv/lib/widget.S", "arch/riscv/lib/Makefile"], patch.Files.Select(f => f.Path));
        Assert.Equal([PatchFileKind.Added, PatchFileKind.Modified], patch.Files.Select(f => f.Kind));
    }

    [Fact]
    public void NewFile_IsKnownWhole()
    {
        var text = PatchReader.Parse(Mail, "mail.txt").Files[0].Result();

        Assert.True(text.IsComplete);
        Assert.Equal(["/* count */", "", "\taddi a0, a0, 1"], text.Lines);
    }

    [Fact]
    public void ChangedFile_HunkLinesAtTheirNewNumbersAndGapsElsewhere()
    {
        var text = PatchReader.Parse(Mail, "mail.txt").Files[1].Result();

        Assert.False(text.IsComplete);
        Assert.Equal([null, null, null, "", "lib-y += two.o", "lib-y += three.o", "lib-y += widget.o"], text.Lines);
        Assert.Equal(["1-3", "after 7"], text.Gaps);
    }

    [Fact]
    public void PlainUnifiedDiff_WithoutGitHeaders_IsRead()
    {
        var patch = PatchReader.Parse("--- a/x.S\t2024-01-01\n+++ b/x.S\t2024-01-02\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n--- /dev/null\n+++ b/y.S\n@@ -0,0 +1 @@\n+y\n", "plain.diff");

        Assert.Null(patch.Subject);
        Assert.Equal(["x.S", "y.S"], patch.Files.Select(f => f.Path));
        Assert.Equal(["a", "c"], patch.Files[0].Result().Lines);
        Assert.Equal(["y"], patch.Files[1].Result().Lines);
    }

    [Fact]
    public void QuotedPrintableMail_IsDecoded()
    {
        var patch = PatchReader.Parse("Content-Transfer-Encoding: quoted-printable\n\n--- /dev/null\n+++ b/z.S\n@@ -0,0 +1 @@\n+li a0, 1 =3D=\n one\n", "qp.eml");

        Assert.Equal(["li a0, 1 = one"], patch.Files[0].Result().Lines);
    }

    [Fact]
    public void HunkCutShort_IsAnErrorAtItsHeader()
    {
        var e = Assert.Throws<AsmException>(() => PatchReader.Parse("--- /dev/null\n+++ b/z.S\n@@ -0,0 +1,3 @@\n+a\n+b\n", "cut.diff"));

        Assert.Equal("cut.diff:3: hunk of z.S is cut short: 0 old and 1 new lines of it are missing", e.Message);
    }

    [Fact]
    public void StrayLineInAHunk_IsAnErrorAtThatLine()
    {
        var e = Assert.Throws<AsmException>(() => PatchReader.Parse("--- /dev/null\n+++ b/z.S\n@@ -0,0 +1,2 @@\n+a\n*b\n", "stray.diff"));

        Assert.StartsWith("stray.diff:5: unexpected line in a hunk of z.S (0 old and 1 new lines still due): '*b'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedHunkHeader_IsAnError()
    {
        var e = Assert.Throws<AsmException>(() => PatchReader.Parse("--- a/z.S\n+++ b/z.S\n@@ -x +1 @@\n", "bad.diff"));

        Assert.StartsWith("bad.diff:3: malformed hunk header '@@ -x +1 @@' in z.S", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HunkLineNumberOutOfRange_IsAnError()
    {
        var e = Assert.Throws<AsmException>(() => PatchReader.Parse("--- a/z.S\n+++ b/z.S\n@@ -1 +99999999999 @@\n", "big.diff"));

        Assert.Equal("big.diff:3: line number 99999999999 in hunk header '@@ -1 +99999999999 @@' is out of range (at most 1000000)", e.Message);
    }

    [Fact]
    public void TextWithoutADiff_IsAnError()
    {
        var e = Assert.Throws<AsmException>(() => PatchReader.Parse("Hello,\nno patch here.\n", "note.txt"));

        Assert.StartsWith("note.txt:1: no unified diff found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlappingHunks_AreAnErrorAtTheSecond()
    {
        var patch = PatchReader.Parse("--- a/z.S\n+++ b/z.S\n@@ -1,2 +1,2 @@\n a\n b\n@@ -2,1 +2,1 @@\n b\n", "overlap.diff");

        var e = Assert.Throws<AsmException>(() => patch.Files[0].Result());

        Assert.Equal("overlap.diff:6: hunk at new line 2 of z.S overlaps the hunk before it", e.Message);
    }

    [Fact]
    public void MissingFile_IsBadInputNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => PatchReader.ReadFile("/nonexistent/patch.txt"));

        Assert.StartsWith("cannot read patch '/nonexistent/patch.txt'", e.Message, StringComparison.Ordinal);
    }
}
