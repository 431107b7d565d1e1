using System.Globalization;

namespace KernelModel.Mm;

/// <summary>The printf conversions kernel messages use, so console lines match the kernel's byte for byte.</summary>
public static class Printf
{
    /// <summary>%#lx / %#llx: "0x" and lower-case hex, but plain "0" for zero (the C alternate form).</summary>
    public static string HashLx(ulong value) => value == 0 ? "0" : "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>%lx / %llx: lower-case hex without prefix.</summary>
    public static string Lx(ulong value) => value.ToString("x", CultureInfo.InvariantCulture);
}
