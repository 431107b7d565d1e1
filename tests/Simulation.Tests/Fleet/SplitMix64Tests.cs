using KernelModel.Simulation.Fleet;

namespace KernelModel.Simulation.Tests.Fleet;

public sealed class SplitMix64Tests
{
    [Fact]
    public void Stream_DependsOnlyOnSeedAndIndex()
    {
        var a = new SplitMix64(7, 123);
        var b = new SplitMix64(7, 123);
        var c = new SplitMix64(7, 124);

        var first = a.Next();
        Assert.Equal(first, b.Next());
        Assert.NotEqual(first, c.Next());
    }

    [Fact]
    public void NextPoisson_MeanOverManyDraws_IsLambda()
    {
        var rng = new SplitMix64(1, 0);
        var sum = 0L;
        for (var i = 0; i < 20000; i++)
        {
            sum += rng.NextPoisson(2.5);
        }

        Assert.InRange(sum / 20000.0, 2.45, 2.55);
    }

    [Fact]
    public void NextWeighted_ZeroWeight_IsNeverDrawn()
    {
        var rng = new SplitMix64(3, 9);

        Assert.All(Enumerable.Range(0, 1000), _ => Assert.NotEqual(1, rng.NextWeighted([0.3, 0, 0.7])));
    }
}
