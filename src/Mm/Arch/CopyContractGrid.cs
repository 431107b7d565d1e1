namespace KernelModel.Mm;

/// <summary>Where the poison sits for one grid case.</summary>
public enum PoisonPosition
{
    /// <summary>No poison.</summary>
    None,

    /// <summary>The source's first line.</summary>
    FirstLine,

    /// <summary>The line holding the middle byte.</summary>
    MiddleLine,

    /// <summary>The line holding the last byte.</summary>
    LastLine,

    /// <summary>The first line wholly past the end: a correct routine never loads it.</summary>
    AfterEnd,
}

/// <summary>
/// The copy_mc contract grid: every length 0..1024 and a sample of longer ones up to 64 KiB, source and
/// destination offsets 0..15, and the poison positions of <see cref="PoisonPosition"/>. The full grid is large;
/// <see cref="Stratified"/> keeps every length and every position but rotates the offset pairs, so each offset
/// of each side still meets every length class.
/// </summary>
public static class CopyContractGrid
{
    /// <summary>Lengths past 1024 that exercise the bulk loops and page crossings.</summary>
    public static IReadOnlyList<int> LongLengths { get; } = [1031, 1536, 2047, 2048, 2049, 4095, 4096, 4097, 8191, 12289, 16384, 32771, 65519, 65536];

    /// <summary>Every length the grid covers.</summary>
    public static IEnumerable<int> Lengths => Enumerable.Range(0, 1025).Concat(LongLengths);

    /// <summary>The poison offsets (inside the source buffer) for one position, or null when the length has no such byte.</summary>
    public static int[]? PoisonOffsets(PoisonPosition position, int length, int srcOffset) => position switch
    {
        PoisonPosition.None => [],
        _ when length == 0 && position != PoisonPosition.AfterEnd => null,
        PoisonPosition.FirstLine => [0],
        PoisonPosition.MiddleLine => [length / 2],
        PoisonPosition.LastLine => [length - 1],
        PoisonPosition.AfterEnd => [RoundUpToLine(srcOffset + length) - srcOffset],
        _ => throw new ArgumentOutOfRangeException(nameof(position), position, null),
    };

    /// <summary>The full grid: every length x 16 x 16 offsets x every position.</summary>
    public static IEnumerable<CopyCase> Full() =>
        from n in Lengths
        from s in Enumerable.Range(0, 16)
        from d in Enumerable.Range(0, 16)
        from c in Cases(n, s, d)
        select c;

    /// <summary>
    /// Every length and position with 16 offset pairs per length (each source offset once, the destination
    /// offset rotating with the length), plus all 256 pairs for the lengths around the routines' thresholds.
    /// </summary>
    public static IEnumerable<CopyCase> Stratified()
    {
        int[] thresholds = [0, 1, 3, 4, 7, 8, 15, 16, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1023, 1024];
        foreach (var n in Lengths)
        {
            var pairs = thresholds.Contains(n)
                ? Enumerable.Range(0, 256).Select(p => (p / 16, p % 16))
                : Enumerable.Range(0, 16).Select(s => (s, ((s * 7) + n) % 16));
            foreach (var (s, d) in pairs)
            {
                foreach (var c in Cases(n, s, d))
                {
                    yield return c;
                }
            }
        }
    }

    /// <summary>The cases of one length and offset pair, one per poison position that exists for it.</summary>
    public static IEnumerable<CopyCase> Cases(int length, int srcOffset, int dstOffset)
    {
        foreach (var position in Enum.GetValues<PoisonPosition>())
        {
            if (PoisonOffsets(position, length, srcOffset) is { } offsets)
            {
                yield return new CopyCase(length, srcOffset, dstOffset, offsets);
            }
        }
    }

    private static int RoundUpToLine(int offset) => (offset + PhysicalMemory.LineSize - 1) & ~(PhysicalMemory.LineSize - 1);
}
