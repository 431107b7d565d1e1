
namespace KernelModel.Arch.RiscV.Asm;

/// <summary>Which cases <c>kmodel asm check</c> runs.</summary>
public enum AsmGrid
{
    /// <summary><see cref="CopyContractGrid.Full"/>: every length, all 256 offset pairs, every poison position.</summary>
    Full,

    /// <summary><see cref="CopyContractGrid.Stratified"/>: every length and position, 16 offset pairs (all 256 at the thresholds).</summary>
    Stratified,

    /// <summary>
    /// A quick look: the lengths around the template's thresholds (the 128-byte short path, SZREG, the 64- and 128-byte
    /// bulk iterations, a page) with co-aligned, mismatched and aligned offset pairs, every poison position.
    /// </summary>
    Smoke,
}

/// <summary>The cases of each <see cref="AsmGrid"/>.</summary>
public static class AsmGrids
{
    private static readonly int[] SmokeLengths = [0, 1, 3, 4, 7, 8, 63, 64, 65, 120, 127, 128, 129, 135, 191, 192, 255, 256, 257, 1000, 4096, 4097];
    private static readonly (int Src, int Dst)[] SmokeOffsets = [(0, 0), (1, 1), (3, 3), (7, 7), (4, 4), (5, 2), (0, 4), (2, 6)];

    /// <summary>The cases of <paramref name="grid"/>.</summary>
    public static IEnumerable<CopyCase> Cases(AsmGrid grid) => grid switch
    {
        AsmGrid.Full => CopyContractGrid.Full(),
        AsmGrid.Stratified => CopyContractGrid.Stratified(),
        _ => from n in SmokeLengths from o in SmokeOffsets from c in CopyContractGrid.Cases(n, o.Src, o.Dst) select c,
    };
}
