namespace KernelModel.Arch.RiscV.Asm;

/// <summary>What a patch does to a file.</summary>
public enum PatchFileKind
{
    /// <summary>Creates it (<c>--- /dev/null</c>): the diff holds the whole file.</summary>
    Added,

    /// <summary>Changes it: only the hunks' lines of the result are known.</summary>
    Modified,

    /// <summary>Deletes it.</summary>
    Deleted,
}

/// <summary>One file of a patch, with its hunks.</summary>
/// <param name="Path">The path after the patch (before it, for a deleted file), without the a/ or b/ prefix.</param>
/// <param name="Kind">Created, changed or deleted.</param>
/// <param name="Header">Where its header is in the patch.</param>
/// <param name="Hunks">The hunks in order.</param>
public sealed record PatchFile(string Path, PatchFileKind Kind, SourceLocation Header, IReadOnlyList<PatchHunk> Hunks)
{
    /// <summary>
    /// The file as the patch leaves it, as far as the hunks show it: whole for a created file; for a changed file the
    /// context and added lines at their new line numbers, the rest unknown.
    /// </summary>
    /// <exception cref="AsmException">A deleted file, or hunks that overlap or do not fit a created file.</exception>
    public SourceText Result()
    {
        switch (Kind)
        {
            case PatchFileKind.Deleted:
                throw new AsmException(Header, $"{Path} is deleted by the patch");
            case PatchFileKind.Added when Hunks.Count == 0:
                return new SourceText(Path, [], endKnown: true);
            case PatchFileKind.Added:
                if (Hunks.Count != 1 || Hunks[0].OldCount != 0 || Hunks[0].NewStart > 1)
                {
                    throw new AsmException(Header, $"{Path} is a new file, so its diff must be one hunk '@@ -0,0 +1,N @@'");
                }

                return new SourceText(Path, Hunks[0].NewLines, endKnown: true);
            default:
                var lines = new List<string?>();
                foreach (var hunk in Hunks.Where(h => h.NewCount > 0))
                {
                    if (hunk.NewStart - 1 < lines.Count)
                    {
                        throw new AsmException(hunk.Header, $"hunk at new line {hunk.NewStart} of {Path} overlaps the hunk before it");
                    }

                    while (lines.Count < hunk.NewStart - 1)
                    {
                        lines.Add(null);
                    }

                    lines.AddRange(hunk.NewLines);
                }

                return new SourceText(Path, lines, endKnown: false);
        }
    }
}
