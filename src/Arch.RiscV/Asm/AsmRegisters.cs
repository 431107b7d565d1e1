namespace KernelModel.Arch.RiscV.Asm;

/// <summary>The 32 integer registers by number, with their ABI names (the psABI's register table).</summary>
public static class AsmRegisters
{
    /// <summary>x1, the return address.</summary>
    public const int Ra = 1;

    /// <summary>x10, the first argument and the return value.</summary>
    public const int A0 = 10;

    /// <summary>ABI names by register number.</summary>
    public static IReadOnlyList<string> AbiNames { get; } =
    [
        "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
        "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
    ];

    /// <summary>The number of a register written as <c>x5</c>, <c>t0</c> or <c>fp</c>, or null.</summary>
    public static int? Parse(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        if (n == "fp")
        {
            return 8;
        }

        var abi = Array.IndexOf(AbiNames.ToArray(), n);
        if (abi >= 0)
        {
            return abi;
        }

        return n.Length is 2 or 3 && n[0] == 'x' && int.TryParse(n.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var x) && x < 32 && (n.Length == 2 || n[1] != '0')
            ? x
            : null;
    }
}
