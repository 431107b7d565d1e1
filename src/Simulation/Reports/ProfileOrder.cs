namespace KernelModel.Simulation.Reports;

/// <summary>
/// The order profiles are shown in: generic first, then each architecture with its unpatched profile
/// (<c>-upstream</c>) just before the patched one, and x86-64, the yardstick, last.
/// </summary>
public static class ProfileOrder
{
    /// <summary>The suffix of a profile that runs the architecture without the patch under review.</summary>
    public const string UpstreamSuffix = "-upstream";

    /// <summary>The yardstick profile: x86-64, where copy_mc and the recovery paths were born.</summary>
    public const string Yardstick = "x86_64";

    /// <summary>The names in display order.</summary>
    public static IReadOnlyList<string> Sort(IEnumerable<string> names) =>
        names.OrderBy(n => n == "generic" ? 0 : n.StartsWith("x86", StringComparison.Ordinal) ? 2 : 1)
            .ThenBy(Family, StringComparer.Ordinal)
            .ThenBy(n => n.EndsWith(UpstreamSuffix, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(n => n, StringComparer.Ordinal)
            .ToArray();

    /// <summary>Each patched profile that has an unpatched partner: (architecture, before, after).</summary>
    public static IReadOnlyList<(string Architecture, string Before, string After)> Pairs(IEnumerable<string> names)
    {
        var all = names.ToHashSet(StringComparer.Ordinal);
        return Sort(all).Where(n => all.Contains(n + UpstreamSuffix)).Select(n => (n, n + UpstreamSuffix, n)).ToArray();
    }

    private static string Family(string name) => name.EndsWith(UpstreamSuffix, StringComparison.Ordinal) ? name[..^UpstreamSuffix.Length] : name;
}
