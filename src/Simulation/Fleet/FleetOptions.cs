using System.Collections.Immutable;
using System.Globalization;

namespace KernelModel.Simulation.Fleet;

/// <summary>
/// A fleet study: how many machines for how long, which profiles side by side, the seed, the shard, how many cores,
/// and the model's parameters (<see cref="FieldRates"/>). <see cref="Validate"/> names any bad value and its range.
/// </summary>
public sealed record FleetOptions
{
    /// <summary>The profiles compared when none is named: each architecture before and after its patch, and the x86-64 yardstick.</summary>
    public static IReadOnlyList<string> DefaultProfiles { get; } = ["riscv64-upstream", "riscv64", "arm64-upstream", "arm64", "x86_64"];

    /// <summary>Machines in the fleet.</summary>
    public long Machines { get; init; } = 100_000;

    /// <summary>Years each machine runs.</summary>
    public double Years { get; init; } = 1;

    /// <summary>The profiles, side by side (every machine's errors are the same on each: a paired comparison).</summary>
    public IReadOnlyList<string> Profiles { get; init; } = DefaultProfiles;

    /// <summary>The study's seed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Which shard of the machines this run covers.</summary>
    public FleetShard Shard { get; init; } = FleetShard.Whole;

    /// <summary>Cores to use (Parallel.For MaxDegreeOfParallelism); 0 for all. The result does not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>Every parameter's value, by name (defaults from <see cref="FieldRates.Parameters"/>).</summary>
    public ImmutableSortedDictionary<string, double> Parameters { get; init; } =
        FieldRates.Parameters.ToImmutableSortedDictionary(p => p.Name, p => p.Default, StringComparer.Ordinal);

    /// <summary>A parameter's value.</summary>
    public double this[string name] => Parameters[name];

    /// <summary>The same options with one parameter set (validated against its range).</summary>
    /// <exception cref="ArgumentException">Unknown parameter or value out of range.</exception>
    public FleetOptions With(string name, double value, string origin) =>
        this with { Parameters = Parameters.SetItem(name, FieldRates.Get(name).Check(value, origin)) };

    /// <summary>Parses and applies <c>name=value</c>.</summary>
    /// <exception cref="ArgumentException">Malformed, unknown, or out of range.</exception>
    public FleetOptions WithAssignment(string assignment, string origin)
    {
        var eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || !double.TryParse(assignment[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new ArgumentException($"invalid {origin} '{assignment}': give name=value with a number (kmodel fleet --explain lists the names)");
        }

        var name = assignment[..eq];
        FieldRates.Get(name);
        return With(name, value, origin);
    }

    /// <summary>Checks every field and the sums that must be one.</summary>
    /// <exception cref="ArgumentException">A value out of range; the message names it and the range.</exception>
    public void Validate(IEnumerable<string> knownProfiles)
    {
        if (Machines is < 1 or > 1_000_000_000_000)
        {
            throw new ArgumentException(Invariant($"invalid --machines {Machines}: valid values are 1..1000000000000"));
        }

        if (!double.IsFinite(Years) || Years <= 0 || Years > 1000)
        {
            throw new ArgumentException(Invariant($"invalid --years {Years}: valid values are more than 0, up to 1000"));
        }

        if (Threads is < 0 or > 4096)
        {
            throw new ArgumentException(Invariant($"invalid --threads {Threads}: valid values are 0 (all cores)..4096"));
        }

        if (Shard.Count > Machines)
        {
            throw new ArgumentException(Invariant($"invalid --shard {Shard}: more shards than the {Machines} machines"));
        }

        var known = knownProfiles.ToHashSet(StringComparer.Ordinal);
        if (Profiles.Count == 0)
        {
            throw new ArgumentException($"no --profile given: valid profiles are {string.Join(", ", known.Order(StringComparer.Ordinal))}");
        }

        foreach (var p in Profiles)
        {
            if (!known.Contains(p))
            {
                throw new ArgumentException($"unknown profile '{p}': valid profiles are {string.Join(", ", known.Order(StringComparer.Ordinal))}");
            }
        }

        if (Profiles.Distinct(StringComparer.Ordinal).Count() != Profiles.Count)
        {
            throw new ArgumentException($"a profile is named twice in --profile {string.Join(" --profile ", Profiles)}");
        }

        foreach (var p in FieldRates.Parameters)
        {
            p.Check(this[p.Name], "configuration or --param");
        }

        CheckSum("kernel.", "the kernel-mode split (rows 16-20)");
        CheckSum("composition.", "the memory composition (row 22)");
        foreach (var (row, _, mix) in FieldRates.Rows)
        {
            if (mix.Sum(m => this[FieldRates.MixParameter(m.Consumer, m.Placement)]) <= 0)
            {
                throw new ArgumentException($"invalid consumer mix for {row}: at least one of {string.Join(", ", mix.Select(m => FieldRates.MixParameter(m.Consumer, m.Placement)))} must be positive");
            }
        }

        if (this[FieldRates.PanicOnOops] is not (0 or 1))
        {
            throw new ArgumentException($"invalid {FieldRates.PanicOnOops} {FleetParameter.Format(this[FieldRates.PanicOnOops])}: valid values are 0 and 1");
        }
    }

    private void CheckSum(string prefix, string what)
    {
        var parts = Parameters.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && p.Key != FieldRates.PanicOnOops).ToArray();
        var sum = parts.Sum(p => p.Value);
        if (Math.Abs(sum - 1) > 1e-6)
        {
            throw new ArgumentException(Invariant($"invalid {what}: {string.Join(" + ", parts.Select(p => p.Key))} sum to {sum:G6}; they must sum to 1"));
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
