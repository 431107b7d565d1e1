namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// A source file as far as it is known: a file a patch creates is known whole; a file it changes is known only
/// where its hunks show the result (context and added lines), so other lines are unknown (null).
/// </summary>
public sealed class SourceText
{
    private readonly string?[] _lines;

    /// <summary>A text whose lines (index 0 = line 1) are known, or null where unknown.</summary>
    /// <param name="path">The path in the tree.</param>
    /// <param name="lines">The lines; null marks a line the patch does not show.</param>
    /// <param name="endKnown">Whether the file ends after the last line given (false: more lines may follow).</param>
    public SourceText(string path, IEnumerable<string?> lines, bool endKnown)
    {
        Path = path;
        _lines = lines.ToArray();
        EndKnown = endKnown;
    }

    /// <summary>The path in the tree.</summary>
    public string Path { get; }

    /// <summary>The lines, index 0 = line 1; null where unknown.</summary>
    public IReadOnlyList<string?> Lines => _lines;

    /// <summary>Whether the file ends after <see cref="Lines"/>.</summary>
    public bool EndKnown { get; }

    /// <summary>Whether every line is known.</summary>
    public bool IsComplete => EndKnown && _lines.All(l => l is not null);

    /// <summary>The unknown line ranges, e.g. "1-6" and "after 43".</summary>
    public IReadOnlyList<string> Gaps
    {
        get
        {
            var gaps = new List<string>();
            for (var i = 0; i < _lines.Length; i++)
            {
                if (_lines[i] is not null)
                {
                    continue;
                }

                var start = i;
                while (i + 1 < _lines.Length && _lines[i + 1] is null)
                {
                    i++;
                }

                gaps.Add(start == i ? $"{start + 1}" : $"{start + 1}-{i + 1}");
            }

            if (!EndKnown)
            {
                gaps.Add($"after {_lines.Length}");
            }

            return gaps;
        }
    }

    /// <summary>A whole file from its text.</summary>
    public static SourceText FromText(string path, string text) =>
        new(path, text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n'), endKnown: true);
}
