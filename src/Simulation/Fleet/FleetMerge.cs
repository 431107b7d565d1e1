namespace KernelModel.Simulation.Fleet;

/// <summary>
/// <c>kmodel fleet merge</c>: adds up the results of the shards of one study. The shards must be of the same study
/// (seed, machines, years, profiles, shard count, parameters) and cover each shard at most once; their model runs
/// must agree (they do: each is a function of its key and the seed).
/// </summary>
public static class FleetMerge
{
    /// <summary>Merges shard results into one.</summary>
    /// <exception cref="ArgumentException">Results of different studies, a shard twice, or runs that disagree; the message says which.</exception>
    public static FleetResult Merge(IReadOnlyList<(string Origin, FleetResult Result)> parts)
    {
        if (parts.Count == 0)
        {
            throw new ArgumentException("kmodel fleet merge: give the JSON files of the shards");
        }

        var (firstOrigin, first) = parts[0];
        var o = first.Options;
        var tallies = FleetSimulation.NewTallies(o);
        var shards = new SortedSet<int>();
        var runs = new Dictionary<(string Consumer, string Placement, string Profile), Consumption>();
        foreach (var (origin, r) in parts)
        {
            var p = r.Options;
            if (p.Seed != o.Seed || p.Machines != o.Machines || p.Years != o.Years || p.Shard.Count != o.Shard.Count || !p.Profiles.SequenceEqual(o.Profiles) ||
                !p.Parameters.SequenceEqual(o.Parameters))
            {
                throw new ArgumentException($"{origin} is a different study from {firstOrigin} (seed, machines, years, profiles, shard count and parameters must all match)");
            }

            foreach (var s in r.Shards)
            {
                if (!shards.Add(s))
                {
                    throw new ArgumentException($"{origin}: shard {s}/{o.Shard.Count} is already merged");
                }
            }

            for (var i = 0; i < tallies.Length; i++)
            {
                tallies[i].Add(r.Tallies[i]);
            }

            foreach (var (consumer, placement, profile, c) in r.Runs)
            {
                if (runs.TryGetValue((consumer, placement, profile), out var seen) && seen != c)
                {
                    throw new ArgumentException($"{origin}: the run of {consumer}/{placement} on {profile} differs from another shard's");
                }

                runs[(consumer, placement, profile)] = c;
            }
        }

        var ordered = runs.OrderBy(kv => kv.Key.Consumer, StringComparer.Ordinal).ThenBy(kv => kv.Key.Placement, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Profile, StringComparer.Ordinal).Select(kv => (kv.Key.Consumer, kv.Key.Placement, kv.Key.Profile, kv.Value)).ToArray();
        return new FleetResult(o, shards.ToArray(), tallies, ordered);
    }
}
