using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace KernelModel.Simulation;

/// <summary>
/// Reads kmodel's options from configuration: appsettings.json beside the program, then the environment
/// (<c>KMODEL_</c> prefix, <c>__</c> between sections: <c>KMODEL_Fleet__Machines=500</c>); the command line
/// overrides both. A value that does not parse is bad input, named with its key and where it came from.
/// </summary>
internal static class Settings
{
    /// <summary>The configured string, or <paramref name="fallback"/>.</summary>
    public static string String(IConfiguration config, string key, string fallback) => config[key] is { Length: > 0 } s ? s : fallback;

    /// <summary>The configured list (a JSON array, or indexed keys), or <paramref name="fallback"/>.</summary>
    public static IReadOnlyList<string> Strings(IConfiguration config, string key, IReadOnlyList<string> fallback)
    {
        var values = config.GetSection(key).GetChildren().Select(c => c.Value).OfType<string>().ToArray();
        return values.Length > 0 ? values : config[key] is { Length: > 0 } single ? [single] : fallback;
    }

    /// <summary>The configured whole number, or <paramref name="fallback"/>.</summary>
    /// <exception cref="ArgumentException">Not a whole number.</exception>
    public static long Long(IConfiguration config, string key, long fallback) => config[key] is not { Length: > 0 } s
        ? fallback
        : long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw Bad(key, s, "a whole number");

    /// <summary>The configured number, or <paramref name="fallback"/>.</summary>
    /// <exception cref="ArgumentException">Not a number.</exception>
    public static double Double(IConfiguration config, string key, double fallback) => config[key] is not { Length: > 0 } s
        ? fallback
        : double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw Bad(key, s, "a number");

    /// <summary>The configured true/false, or <paramref name="fallback"/>.</summary>
    /// <exception cref="ArgumentException">Neither true nor false.</exception>
    public static bool Bool(IConfiguration config, string key, bool fallback) => config[key] is not { Length: > 0 } s
        ? fallback
        : bool.TryParse(s, out var v) ? v : throw Bad(key, s, "true or false");

    /// <summary>The configured name/value pairs of a section.</summary>
    public static IEnumerable<(string Name, string Value)> Pairs(IConfiguration config, string key) =>
        config.GetSection(key).GetChildren().Where(c => c.Value is not null).Select(c => (c.Key, c.Value!));

    private static ArgumentException Bad(string key, string value, string expected) =>
        new($"invalid {key} '{value}' (appsettings.json or KMODEL_{key.Replace(":", "__", StringComparison.Ordinal)}): expected {expected}");
}
