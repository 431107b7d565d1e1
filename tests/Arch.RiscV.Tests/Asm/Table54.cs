namespace KernelModel.Arch.RiscV.Tests.Asm;

/// <summary>
/// A hand-written expectation from arch-copy-mc.md 5.3/5.4 (not from the template): what __memcpy_mc returns and how
/// many leading bytes it has stored when the source's first poisoned byte is at offset p. The source and destination
/// bases are 64-byte aligned, so an offset's alignment is the address's.
/// </summary>
internal static class Table54
{
    public static (long Returned, long Stored) Expect(int szreg, int n, int src, int dst, long? p)
    {
        if (p is not { } poison)
        {
            return (0, n);
        }

        var w = 16 * szreg;
        if (n < 128 || src % szreg != dst % szreg)
        {
            return (n, Tail(n, src, dst, 0, poison));
        }

        var lead = (szreg - (src % szreg)) % szreg;
        if (poison < lead)
        {
            return (n, poison);
        }

        var n1 = n - lead;
        var bulk = n1 & ~(w - 1);
        if (poison < lead + bulk)
        {
            var j = (poison - lead) / w;
            var k = (poison - lead) % w / szreg;
            return (n1, lead + (j * w) + (k >= 10 ? 10 * szreg : 0));
        }

        return (n1 - bulk, Tail(n, src, dst, lead + bulk, poison));
    }

    // The tail copies words when source, destination and end are 4-aligned, else bytes; a fault stores the whole words
    // (or bytes) before the one holding the poisoned byte.
    private static long Tail(int n, int src, int dst, long start, long poison) =>
        (src + start) % 4 == 0 && (dst + start) % 4 == 0 && (src + n) % 4 == 0 ? start + ((poison - start) / 4 * 4) : poison;
}
