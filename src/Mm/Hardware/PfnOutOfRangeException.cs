using System.Globalization;

namespace KernelModel.Mm;

/// <summary>
/// Bad input: a page frame number (or a physical address) outside the machine. The message names the value
/// and the valid range, for the command line to print as it is.
/// </summary>
public sealed class PfnOutOfRangeException(ulong pfn, ulong maxPfn)
    : ArgumentOutOfRangeException(nameof(pfn), string.Create(CultureInfo.InvariantCulture,
        $"pfn {Printf.HashLx(pfn)} is outside memory: valid pfns are 0..{Printf.HashLx(maxPfn - 1)}"))
{
    /// <summary>The frame asked for.</summary>
    public ulong Pfn { get; } = pfn;

    /// <summary>One past the highest valid frame.</summary>
    public ulong MaxPfn { get; } = maxPfn;
}
