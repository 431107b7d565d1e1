using System.Globalization;

namespace KernelModel.Simulation.Fleet;

/// <summary>
/// One input of the fleet model: its default, the range it may take, and where the default comes from, with the
/// provenance flag of shared/reference/field-rates.md: P primary text, S quoted by a secondary source, C a primary
/// table as encoded in public simulator code, M from memory, E an estimate (not a measured field value).
/// </summary>
/// <param name="Name">The name on the command line (<c>--param name=value</c>) and in configuration (Fleet:Parameters:name).</param>
/// <param name="Default">The default value.</param>
/// <param name="Min">The smallest valid value.</param>
/// <param name="Max">The largest valid value.</param>
/// <param name="Description">What it is.</param>
/// <param name="Flag">The provenance flag(s).</param>
/// <param name="Source">Where the default comes from.</param>
public sealed record FleetParameter(string Name, double Default, double Min, double Max, string Description, string Flag, string Source)
{
    /// <summary>Whether the default is an estimate rather than a measured or published figure.</summary>
    public bool IsEstimate => Flag.Contains('E', StringComparison.Ordinal);

    /// <summary>The valid range as text.</summary>
    public string Range => $"{Format(Min)}..{Format(Max)}";

    /// <summary>A value as the tables print it.</summary>
    public static string Format(double value) => value.ToString("G7", CultureInfo.InvariantCulture);

    /// <summary>Checks a value.</summary>
    /// <exception cref="ArgumentException">Out of range or not a number; the message names the parameter and its range.</exception>
    public double Check(double value, string origin) => double.IsFinite(value) && value >= Min && value <= Max
        ? value
        : throw new ArgumentException($"invalid {Name} {Format(value)} ({origin}): valid values are {Range}");
}
