using System.Xml.Linq;

namespace KernelModel.Simulation.Tests.Commands;

public sealed class SimulateCommandTests
{
    private static readonly string[] Small = ["simulate", "--profile", "riscv64", "--workload", "hugetlb+fork-and-write", "--duration", "6h", "--memory", "8GiB", "--error-rate", "0.3"];

    [Fact]
    public void Text_ShowsCountsWhoConsumedAndTheTimeline()
    {
        var result = Kmodel.Run(Small);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("kmodel simulate: riscv64, workload hugetlb+fork-and-write (kernel + hugetlb + fork-and-write), 8GiB in 2 nodes, 16 CPUs, 06:00:00, seed 1", result.Out);
        Assert.Contains("ended: completed at 06:00:00", result.Out);
        Assert.Matches(@"\nerrors injected +\d+ ", result.Out);
        Assert.Matches(@"\nfork-and-write/fork +0 +[1-9]\d* +0\n", result.Out);
        Assert.Contains("kernel actors: patrol scrubber ran 360 times, khugepaged ran 360 times", result.Out);
        Assert.Matches(@"\n  \d\d:\d\d:\d\d  consumed +fork-and-write/fork +kernel mode, fixup taken: load at __memcpy_mc of pa 0x", result.Out);
    }

    [Theory]
    [InlineData("--duration", "0m", "invalid --duration 00:00:00: valid values are 1m..366d")]
    [InlineData("--duration", "soon", "invalid --duration 'soon': give a number and a unit")]
    [InlineData("--memory", "3GB", "invalid --memory '3GB': give a whole number and a unit")]
    [InlineData("--memory", "32TiB", "invalid --memory 32TiB: valid values are 1GiB..16TiB")]
    [InlineData("--nodes", "0", "invalid --nodes 0: valid values are 1..64")]
    [InlineData("--cpus", "5000", "invalid --cpus 5000: valid values are 1..1024")]
    [InlineData("--error-rate", "2", "invalid --error-rate 2: valid values are 0..1 per GB-hour")]
    [InlineData("--error-rate", "lots", "invalid --error-rate 'lots'")]
    [InlineData("--workload", "dax", "unknown workload 'dax': valid workloads are cloud-host, ")]
    [InlineData("--profile", "sparc", "unknown profile 'sparc': valid profiles are ")]
    [InlineData("--scrub-period", "10m", "invalid --scrub-period 00:10:00: valid values are 1h..30d")]
    public void InvalidValue_IsNamedWithItsRangeExitCode2AndNothingWritten(string option, string value, string message)
    {
        var report = Path.Combine(Path.GetTempPath(), $"kmodel-sim-bad-{Environment.ProcessId}-{option.TrimStart('-')}.html");
        var args = new List<string> { "simulate", "--report", report, option, value };
        foreach (var (name, fallback) in new[] { ("--duration", "1h"), ("--memory", "4GiB") }.Where(d => d.Item1 != option))
        {
            args.AddRange([name, fallback]);
        }

        var result = Kmodel.Run([.. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.StartsWith("kmodel: " + message, result.Error);
        Assert.False(File.Exists(report));
    }

    [Fact]
    public void ErrorRateField_IsTheFieldRateAndTheRunIsQuiet()
    {
        var result = Kmodel.Run("simulate", "--duration", "2h", "--memory", "4GiB", "--error-rate", "field");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("errors arrive at 1.25E-09 per GB-hour;", result.Out);
        Assert.Matches(@"\nerrors injected +0 ", result.Out);
    }

    [Fact]
    public void Report_IsWellFormedXhtmlWithTheTimelineConsumersAndOutcomesCharts()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kmodel-simulate-{Environment.ProcessId}.html");
        try
        {
            var result = Kmodel.Run([.. Small, "--report", path]);

            Assert.Equal(0, result.ExitCode);
            var doc = XDocument.Load(path);
            XNamespace svg = "http://www.w3.org/2000/svg";
            var titles = doc.Descendants(svg + "svg").Select(s => s.Element(svg + "title")!.Value).ToArray();
            Assert.Equal(["Cumulative events over the run", "Consumptions by workload activity or kernel actor", "Outcomes of the run"], titles);
            Assert.Contains(doc.Descendants(svg + "polyline"), p => p.Element(svg + "title")!.Value.StartsWith("consumed: ", StringComparison.Ordinal));
            Assert.Contains("report: " + path, result.Out);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
