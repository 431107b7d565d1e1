using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// The hwpoison_inject filters (mm/hwpoison-inject.c hwpoison_filter, written through the corrupt-filter-*
/// debugfs files): when enabled, memory_failure() and soft_offline_page() only act on pages of the given block
/// device and with the given /proc/kpageflags bits; others give -EOPNOTSUPP, which the injectors report as
/// success. The model is built as CONFIG_MEMCG=n, so there is no memcg filter.
/// </summary>
public sealed class HwpoisonFilter(Machine machine)
{
    /// <summary>The "any device" value of the dev filters (~0U).</summary>
    public const uint AnyDev = uint.MaxValue;

    /// <summary>corrupt-filter-enable.</summary>
    public uint Enable { get; set; }

    /// <summary>corrupt-filter-dev-major (~0 = any).</summary>
    public uint DevMajor { get; set; } = AnyDev;

    /// <summary>corrupt-filter-dev-minor (~0 = any).</summary>
    public uint DevMinor { get; set; } = AnyDev;

    /// <summary>corrupt-filter-flags-mask.</summary>
    public ulong FlagsMask { get; set; }

    /// <summary>corrupt-filter-flags-value.</summary>
    public ulong FlagsValue { get; set; }

    /// <summary>hwpoison_filter(): 0 to act on the page, -EINVAL to leave it alone.</summary>
    [KernelSymbol("mm/hwpoison-inject.c", "hwpoison_filter")]
    public int Filter(Page p)
    {
        if (Enable == 0)
        {
            return 0;
        }

        return FilterDev(p) != 0 || FilterFlags(p) != 0 ? -Errno.EINVAL : 0;
    }

    /// <summary>hwpoison_filter_dev(): the page must be in the page cache of a file on the chosen device.</summary>
    [KernelSymbol("mm/hwpoison-inject.c", "hwpoison_filter_dev")]
    private int FilterDev(Page p)
    {
        if (DevMajor == AnyDev && DevMinor == AnyDev)
        {
            return 0;
        }

        if (p.Folio.Mapping is not AddressSpace mapping)
        {
            return -Errno.EINVAL;
        }

        var dev = mapping.Host.Dev;
        if (DevMajor != AnyDev && DevMajor != dev >> 20)
        {
            return -Errno.EINVAL;
        }

        return DevMinor != AnyDev && DevMinor != (dev & 0xfffff) ? -Errno.EINVAL : 0;
    }

    /// <summary>hwpoison_filter_flags(): (kpageflags &amp; mask) must equal value.</summary>
    [KernelSymbol("mm/hwpoison-inject.c", "hwpoison_filter_flags")]
    private int FilterFlags(Page p)
    {
        if (FlagsMask == 0)
        {
            return 0;
        }

        return ((ulong)StablePageFlags.Of(machine, p.Pfn) & FlagsMask) == FlagsValue ? 0 : -Errno.EINVAL;
    }
}
