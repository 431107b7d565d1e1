using System.Globalization;

namespace KernelModel.Simulation.Fleet;

/// <summary>
/// One shard of a fleet study (<c>--shard i/n</c>, i from 1 to n): the machines [floor(N(i-1)/n), floor(Ni/n)).
/// Shards are independent processes; their JSON outputs merge (<c>kmodel fleet merge</c>) to the totals of one run.
/// </summary>
/// <param name="Index">Which shard, 1..Count.</param>
/// <param name="Count">How many shards.</param>
public sealed record FleetShard(int Index, int Count)
{
    /// <summary>The whole study in one shard.</summary>
    public static FleetShard Whole { get; } = new(1, 1);

    /// <summary>Parses "i/n".</summary>
    /// <exception cref="ArgumentException">Malformed, or i outside 1..n.</exception>
    public static FleetShard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var i) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || i < 1 || i > n)
        {
            throw new ArgumentException($"invalid --shard '{text}': give i/n with 1 <= i <= n (e.g. 3/8)");
        }

        return new FleetShard(i, n);
    }

    /// <summary>The machine indices of this shard in a fleet of <paramref name="machines"/>.</summary>
    public (long Start, long End) Range(long machines) => (machines * (Index - 1) / Count, machines * Index / Count);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
