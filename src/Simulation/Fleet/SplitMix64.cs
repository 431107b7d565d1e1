namespace KernelModel.Simulation.Fleet;

/// <summary>
/// The fleet's random numbers: SplitMix64 (Steele, Lea, Flood 2014), one stream per machine seeded from the study
/// seed and the machine's index, so a machine draws the same numbers whichever thread, core count or shard runs it.
/// </summary>
public struct SplitMix64
{
    private ulong _state;

    /// <summary>The stream of machine <paramref name="index"/> of a study with <paramref name="seed"/>.</summary>
    public SplitMix64(int seed, long index) => _state = Mix(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ Mix((ulong)index + 0x632BE59BD9B4E019UL));

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A standard normal (Box-Muller).</summary>
    public double NextNormal()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A Poisson count with mean <paramref name="lambda"/> (Knuth's product method, in steps of at most 30).</summary>
    public long NextPoisson(double lambda)
    {
        long count = 0;
        while (lambda > 0)
        {
            var step = Math.Min(lambda, 30);
            lambda -= step;
            var limit = Math.Exp(-step);
            var product = NextDouble();
            while (product > limit)
            {
                count++;
                product *= NextDouble();
            }
        }

        return count;
    }

    /// <summary>A geometric count on {0, 1, 2 ...} with mean <paramref name="mean"/>.</summary>
    public long NextGeometric(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        var p = 1 / (1 + mean);
        return (long)Math.Floor(Math.Log(1.0 - NextDouble()) / Math.Log(1 - p));
    }

    /// <summary>An index drawn with the given weights (which need not sum to 1; at least one is positive).</summary>
    public int NextWeighted(IReadOnlyList<double> weights)
    {
        var total = 0.0;
        foreach (var w in weights)
        {
            total += w;
        }

        var x = NextDouble() * total;
        for (var i = 0; i < weights.Count; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return i;
            }
        }

        for (var i = weights.Count - 1; i >= 0; i--)
        {
            if (weights[i] > 0)
            {
                return i;
            }
        }

        return 0;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
