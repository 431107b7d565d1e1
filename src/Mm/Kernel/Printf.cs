using System.Globalization;

namespace KernelModel.Mm;

/// <summary>The printf conversions kernel messages use, so console lines match the kernel's byte for byte.</summary>
public static class Printf
{
    /// <summary>
    /// %#lx / %#llx: "0x" and lower-case hex, zero included ("0x0"): the kernel's vsprintf number() emits the prefix
    /// for every value with SPECIAL in base 16, unlike the C library's alternate form (a real console shows
    /// "Injecting memory failure at pfn 0x0", litmus/snapshots).
    /// </summary>
    [KernelSymbol("lib/vsprintf.c", "number")]
    public static string HashLx(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>%lx / %llx: lower-case hex without prefix.</summary>
    public static string Lx(ulong value) => value.ToString("x", CultureInfo.InvariantCulture);
}
