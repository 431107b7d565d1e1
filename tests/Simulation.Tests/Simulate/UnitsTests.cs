using KernelModel.Simulation.Simulate;

namespace KernelModel.Simulation.Tests.Simulate;

public sealed class UnitsTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("24h", 86400)]
    [InlineData("1.5d", 129600)]
    [InlineData("250ms", 0.25)]
    public void ParseDuration_NumberAndUnit(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Units.ParseDuration(text, "--duration"));
    }

    [Theory]
    [InlineData("512GiB", 512UL << 30)]
    [InlineData("1TiB", 1UL << 40)]
    [InlineData("256MiB", 256UL << 20)]
    public void ParseBytes_WholeNumberAndBinaryUnit(string text, ulong bytes)
    {
        Assert.Equal(bytes, Units.ParseBytes(text, "--memory"));
        Assert.Equal(text, Units.FormatBytes(bytes));
    }

    [Fact]
    public void FormatDuration_DaysThenClock()
    {
        Assert.Equal("1d 02:03:04", Units.FormatDuration(new TimeSpan(1, 2, 3, 4)));
        Assert.Equal("06:00:00", Units.FormatDuration(TimeSpan.FromHours(6)));
    }
}
