using KernelModel.Mm;

namespace KernelModel.Uaccess;

/// <summary>
/// struct badblocks (block/badblocks.c): the 512-byte sectors of a device known to be bad, as the pmem driver keeps
/// them from address-range-scrub results and consumed poison.
/// </summary>
[KernelSymbol("include/linux/badblocks.h", "badblocks")]
public sealed class Badblocks
{
    /// <summary>SECTOR_SHIFT.</summary>
    public const int SectorShift = 9;

    private readonly SortedSet<ulong> _sectors = [];

    /// <summary>count: how many bad sectors are recorded.</summary>
    public int Count => _sectors.Count;

    /// <summary>The bad sectors, in order.</summary>
    public IReadOnlyCollection<ulong> Sectors => _sectors;

    /// <summary>badblocks_set(bb, s, sectors, acknowledged): records sectors [s, s + sectors) as bad.</summary>
    [KernelSymbol("block/badblocks.c", "badblocks_set")]
    public void Set(ulong s, ulong sectors)
    {
        for (var i = s; i < s + sectors; i++)
        {
            _sectors.Add(i);
        }
    }

    /// <summary>badblocks_check(bb, s, sectors, ...): whether any sector of [s, s + sectors) is bad.</summary>
    [KernelSymbol("block/badblocks.c", "badblocks_check")]
    public bool Check(ulong s, ulong sectors) => sectors > 0 && _sectors.GetViewBetween(s, s + sectors - 1).Count > 0;
}
