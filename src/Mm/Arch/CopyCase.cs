namespace KernelModel.Mm;

/// <summary>
/// One copy to try: <paramref name="Length"/> bytes from a source at <paramref name="SrcOffset"/> to a destination
/// at <paramref name="DstOffset"/> (each from a 64-byte-aligned base), with the source lines holding the given
/// byte offsets poisoned.
/// </summary>
/// <param name="Length">Bytes to copy.</param>
/// <param name="SrcOffset">Source offset from its aligned base.</param>
/// <param name="DstOffset">Destination offset from its aligned base.</param>
/// <param name="PoisonOffsets">Byte offsets inside (or just past) the source buffer whose 64-byte lines are poisoned.</param>
public sealed record CopyCase(int Length, int SrcOffset, int DstOffset, IReadOnlyList<int> PoisonOffsets)
{
    /// <summary>The largest length the probe's buffers hold.</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>Largest base offset.</summary>
    public const int MaxOffset = 4095;

    /// <summary>Checks the case against the probe's buffers.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it and the valid range.</exception>
    public void Validate()
    {
        if (Length is < 0 or > MaxLength)
        {
            throw new ArgumentException($"invalid length {Length}: valid lengths are 0..{MaxLength}");
        }

        if (SrcOffset is < 0 or > MaxOffset || DstOffset is < 0 or > MaxOffset)
        {
            throw new ArgumentException($"invalid offsets src {SrcOffset} / dst {DstOffset}: valid offsets are 0..{MaxOffset}");
        }

        foreach (var p in PoisonOffsets)
        {
            if (p < 0 || p >= Length + 4096)
            {
                throw new ArgumentException($"invalid poison offset {p}: valid offsets are 0..{Length + 4095} (the buffer and the page after it)");
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"len {Length} src+{SrcOffset} dst+{DstOffset} poison [{string.Join(",", PoisonOffsets)}]";
}
