using System.Globalization;

namespace KernelModel.Simulation.Simulate;

/// <summary>Durations (<c>90s</c>, <c>15m</c>, <c>24h</c>, <c>7d</c>) and sizes (<c>512GiB</c>, <c>1TiB</c>, <c>256MiB</c>) as users type them.</summary>
public static class Units
{
    private static readonly (string Suffix, double Seconds)[] TimeUnits = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)];
    private static readonly (string Suffix, ulong Bytes)[] SizeUnits = [("KiB", 1UL << 10), ("MiB", 1UL << 20), ("GiB", 1UL << 30), ("TiB", 1UL << 40), ("B", 1)];

    /// <summary>Parses a duration: a number and one of ms, s, m, h, d.</summary>
    /// <exception cref="ArgumentException">Malformed; the message names <paramref name="what"/> and the form.</exception>
    public static TimeSpan ParseDuration(string text, string what)
    {
        foreach (var (suffix, seconds) in TimeUnits.OrderByDescending(u => u.Suffix.Length))
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) &&
                double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) && n >= 0 &&
                n * seconds < TimeSpan.MaxValue.TotalSeconds / 2)
            {
                return TimeSpan.FromSeconds(n * seconds);
            }
        }

        throw new ArgumentException($"invalid {what} '{text}': give a number and a unit, one of ms, s, m, h, d (e.g. 24h)");
    }

    /// <summary>Parses a size: a whole number and one of B, KiB, MiB, GiB, TiB.</summary>
    /// <exception cref="ArgumentException">Malformed; the message names <paramref name="what"/> and the form.</exception>
    public static ulong ParseBytes(string text, string what)
    {
        foreach (var (suffix, bytes) in SizeUnits)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) &&
                ulong.TryParse(text[..^suffix.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= ulong.MaxValue / bytes)
            {
                return n * bytes;
            }
        }

        throw new ArgumentException($"invalid {what} '{text}': give a whole number and a unit, one of B, KiB, MiB, GiB, TiB (e.g. 512GiB)");
    }

    /// <summary>A duration as the reports print it: 1d 02:03:04, or hh:mm:ss under a day.</summary>
    public static string FormatDuration(TimeSpan t) => t.TotalDays >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalDays}d {t.Hours:00}:{t.Minutes:00}:{t.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{t.Hours:00}:{t.Minutes:00}:{t.Seconds:00}");

    /// <summary>A size in the largest binary unit that divides it.</summary>
    public static string FormatBytes(ulong bytes)
    {
        foreach (var (suffix, unit) in SizeUnits.Where(u => u.Bytes > 1).OrderByDescending(u => u.Bytes))
        {
            if (bytes % unit == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{bytes / unit}{suffix}");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{bytes}B");
    }
}
