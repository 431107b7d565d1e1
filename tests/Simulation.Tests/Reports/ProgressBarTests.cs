using KernelModel.Simulation.Reports;

namespace KernelModel.Simulation.Tests.Reports;

public sealed class ProgressBarTests
{
    [Fact]
    public void Advance_Enabled_DrawsTheBarOnOneLineAndDisposeErasesIt()
    {
        using var error = new StringWriter();
        var bar = new ProgressBar(error, enabled: true, "fleet machines", 4, quiet: TimeSpan.Zero);

        bar.Advance(2);
        var drawn = error.ToString();
        bar.Dispose();

        Assert.StartsWith("\rfleet machines [###############...............]  50% (2/4) Ctrl+C stops and writes what is done", drawn);
        Assert.DoesNotContain('\n', error.ToString());
        Assert.EndsWith("\r", error.ToString());
        Assert.Equal(2, bar.Done);
    }

    [Fact]
    public void Advance_Disabled_WritesNothing()
    {
        using var error = new StringWriter();
        using (var bar = new ProgressBar(error, enabled: false, "x", 4, quiet: TimeSpan.Zero))
        {
            bar.Advance(4);
        }

        Assert.Equal(string.Empty, error.ToString());
    }

    [Fact]
    public void Advance_BeforeTheQuietPeriod_WritesNothing()
    {
        using var error = new StringWriter();
        using (var bar = new ProgressBar(error, enabled: true, "x", 4, quiet: TimeSpan.FromDays(1)))
        {
            bar.Advance(4);
        }

        Assert.Equal(string.Empty, error.ToString());
    }
}
