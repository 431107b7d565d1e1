namespace KernelModel.Arch.RiscV.Asm;

/// <summary>One line of a hunk: context (' '), added ('+') or removed ('-').</summary>
/// <param name="Kind">' ', '+' or '-'.</param>
/// <param name="Text">The line without its marker.</param>
/// <param name="PatchLine">Where it is in the patch file.</param>
public sealed record PatchHunkLine(char Kind, string Text, int PatchLine);

/// <summary>One hunk of a unified diff (<c>@@ -OldStart,OldCount +NewStart,NewCount @@</c>).</summary>
/// <param name="OldStart">First line in the old file.</param>
/// <param name="OldCount">Lines of the old file it covers.</param>
/// <param name="NewStart">First line in the new file.</param>
/// <param name="NewCount">Lines of the new file it covers.</param>
/// <param name="Header">Where its <c>@@</c> line is in the patch.</param>
/// <param name="Lines">Its lines in order.</param>
public sealed record PatchHunk(int OldStart, int OldCount, int NewStart, int NewCount, SourceLocation Header, IReadOnlyList<PatchHunkLine> Lines)
{
    /// <summary>The lines of the new file, in order (context and added).</summary>
    public IEnumerable<string> NewLines => Lines.Where(l => l.Kind != '-').Select(l => l.Text);
}
