using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// The %pGp printk conversion (lib/vsprintf.c flags_string with pageflag_names): the flags word in hex and the set
/// flags' names. The word is the model's own bit layout (the kernel's depends on config), the names the kernel's.
/// </summary>
internal static class PageFlagsFormat
{
    private static readonly (PageFlags Flag, string Name)[] Names =
    [
        (PageFlags.Locked, "locked"), (PageFlags.Referenced, "referenced"), (PageFlags.Uptodate, "uptodate"),
        (PageFlags.Dirty, "dirty"), (PageFlags.Lru, "lru"), (PageFlags.Active, "active"), (PageFlags.Workingset, "workingset"),
        (PageFlags.Slab, "slab"), (PageFlags.Reserved, "reserved"), (PageFlags.Private, "private"),
        (PageFlags.Writeback, "writeback"), (PageFlags.Head, "head"), (PageFlags.Swapbacked, "swapbacked"),
        (PageFlags.Unevictable, "unevictable"), (PageFlags.Mlocked, "mlocked"), (PageFlags.Swapcache, "swapcache"),
        (PageFlags.Hwpoison, "hwpoison"), (PageFlags.Reclaim, "reclaim"), (PageFlags.Mappedtodisk, "mappedtodisk"),
    ];

    /// <summary>"%#lx(name|name)" as %pGp prints a page's flags.</summary>
    [KernelSymbol("lib/vsprintf.c", "flags_string")]
    public static string Pgp(PageFlags flags)
    {
        var names = Names.Where(n => (flags & n.Flag) != 0).Select(n => n.Name).ToArray();
        return Printf.HashLx((ulong)flags) + (names.Length == 0 ? string.Empty : "(" + string.Join('|', names) + ")");
    }
}
