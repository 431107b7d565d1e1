using KernelModel.Simulation.Fleet;

namespace KernelModel.Simulation.Tests.Fleet;

public sealed class PoissonIntervalTests
{
    [Theory]
    [InlineData(0, 0, 3.6889)]
    [InlineData(1, 0.0253, 5.5716)]
    [InlineData(10, 4.7954, 18.3904)]
    [InlineData(100, 81.3640, 121.6268)]
    public void Of_PoissonCount_IsTheGarwoodInterval(long count, double low, double high)
    {
        var (l, h) = PoissonInterval.Of(count);

        Assert.Equal(low, l, 3);
        Assert.Equal(high, h, 3);
    }

    [Fact]
    public void Of_Overdispersed_IsWider()
    {
        var (l1, h1) = PoissonInterval.Of(50);
        var (l4, h4) = PoissonInterval.Of(50, dispersion: 4);

        Assert.True(l4 < l1 && h4 > h1);
    }

    [Fact]
    public void Dispersion_EqualCountsOnEveryMachine_IsOne()
    {
        Assert.Equal(1, PoissonInterval.Dispersion(sum: 10, sumOfSquares: 10, n: 10));
        Assert.Equal(10, PoissonInterval.Dispersion(sum: 10, sumOfSquares: 100, n: 11), 9);
    }
}
