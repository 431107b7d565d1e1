using System.Text.Json;
using System.Xml.Linq;
using KernelModel.Mm;
using KernelModel.Simulation.Fleet;
using KernelModel.Simulation.Reports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Simulation.Tests.Commands;

public sealed class FleetCommandTests
{
    private static readonly string[] Busy = ["fleet", "--machines", "2000", "--years", "2", "--param", "rate.ue-per-gb-hour=6.25e-8"];

    private static readonly IServiceProvider Services = KmodelHost.BuildHost([], TextWriter.Null, TextWriter.Null).Services;

    private static FleetCommand Command(IDictionary<string, string?> settings) => new(new ConsoleStreams(TextWriter.Null, TextWriter.Null),
        Services.GetRequiredService<ProfileCatalog>(), Services.GetRequiredService<FleetSimulation>(),
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), TerminalInfo.None);

    [Fact]
    public void Json_SameSeed_IsByteIdentical()
    {
        var a = Kmodel.Run([.. Busy, "--seed", "4", "--json"]);
        var b = Kmodel.Run([.. Busy, "--seed", "4", "--json", "--threads", "1"]);

        Assert.Equal(0, a.ExitCode);
        Assert.Equal(a.Out, b.Out);
        using var doc = JsonDocument.Parse(a.Out);
        Assert.Equal("kmodel.fleet/1", doc.RootElement.GetProperty("schema").GetString());
        Assert.Equal(4000, doc.RootElement.GetProperty("machine_years").GetDouble());
    }

    [Fact]
    public void Text_ShowsRatesPerProfileTheBeforeAfterComparisonAndTheModelRuns()
    {
        var result = Kmodel.Run(Busy);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("kmodel fleet: 2000 machines x 2 years = 4000 machine-years, seed 1, one shard", result.Out);
        Assert.Matches(@"\nriscv64-upstream +\d+\.\d\d \(\d+\.\d\d-\d+\.\d\d\)", result.Out);
        Assert.Matches(@"\nriscv64 +riscv64-upstream +\d+\.\d\d \(\d+\.\d\d-\d+\.\d\d\) +riscv64 +\d+\.\d\d \(\d+\.\d\d-\d+\.\d\d\) +-\d+ %", result.Out);
        Assert.Matches(@"\ncow/anon +panic +killed +oops +killed +killed\n", result.Out);
        Assert.Contains("Each outcome is computed", result.Out);
    }

    [Fact]
    public void Explain_PrintsEveryParameterWithItsSourceAndMarksEstimates()
    {
        var result = Kmodel.Run("fleet", "--explain");

        Assert.Equal(0, result.ExitCode);
        Assert.All(FieldRates.Parameters, p => Assert.Contains($"{p.Name} = ", result.Out));
        Assert.Contains("rate.ue-per-gb-hour = 1.25E-09   [E, estimate]   range 0..0.001", result.Out);
        Assert.Contains("fault.permanent-share = 0.71   [C]   range 0..1", result.Out);
        Assert.Contains("source: field-rates.md row 5", result.Out);
        Assert.Equal(FieldRates.Parameters.Count, result.Out.Split('\n').Count(l => l.StartsWith("    source: ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Explain_WithAChangedValue_ShowsTheValueAndTheDefault()
    {
        var result = Kmodel.Run("fleet", "--explain", "--param", "detect.scrub-first=0.2");

        Assert.Contains("detect.scrub-first = 0.2 (default 0.5)", result.Out);
    }

    [Theory]
    [InlineData("--machines", "0", "invalid --machines 0: valid values are 1..1000000000000")]
    [InlineData("--years", "-1", "invalid --years -1: valid values are more than 0, up to 1000")]
    [InlineData("--profile", "mips", "unknown profile 'mips': valid profiles are ")]
    [InlineData("--param", "consume.user-share=1.5", "invalid consume.user-share 1.5 (--param): valid values are 0..1")]
    [InlineData("--param", "nonsense=1", "unknown fleet parameter 'nonsense': valid are ")]
    [InlineData("--shard", "4/3", "invalid --shard '4/3'")]
    public void InvalidValue_IsNamedWithItsRangeExitCode2AndNothingWritten(string option, string value, string message)
    {
        var report = Path.Combine(Path.GetTempPath(), $"kmodel-bad-{Environment.ProcessId}-{option.TrimStart('-')}.html");

        var result = Kmodel.Run("fleet", option, value, "--report", report);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.StartsWith("kmodel: " + message, result.Error);
        Assert.False(File.Exists(report));
    }

    [Fact]
    public void Options_FromConfiguration_AreUsedAndTheCommandLineOverridesThem()
    {
        var command = Command(new Dictionary<string, string?>
        {
            ["Fleet:Machines"] = "500", ["Fleet:Years"] = "3", ["Fleet:Profiles:0"] = "arm64", ["Fleet:Profiles:1"] = "arm64-upstream",
            ["Fleet:Parameters:detect.scrub-first"] = "0.25",
        });

        var fromConfig = command.Options(null, null, null, null, null, null, null);
        var overridden = command.Options(9, null, ["x86_64"], null, "2/2", null, ["detect.scrub-first=0.75"]);

        Assert.Equal((500, 3.0, 0.25), (fromConfig.Machines, fromConfig.Years, fromConfig["detect.scrub-first"]));
        Assert.Equal(["arm64", "arm64-upstream"], fromConfig.Profiles);
        Assert.Equal((9, 3.0, 0.75, new FleetShard(2, 2)), (overridden.Machines, overridden.Years, overridden["detect.scrub-first"], overridden.Shard));
        Assert.Equal(["x86_64"], overridden.Profiles);
    }

    [Fact]
    public void Options_MalformedConfigurationValue_NamesTheKeyAndWhereItCameFrom()
    {
        var e = Assert.Throws<ArgumentException>(() => Command(new Dictionary<string, string?> { ["Fleet:Years"] = "two" }).Options(null, null, null, null, null, null, null));

        Assert.Equal("invalid Fleet:Years 'two' (appsettings.json or KMODEL_Fleet__Years): expected a number", e.Message);
    }

    [Fact]
    public void Options_ConfiguredParameterOutOfRange_NamesTheParameterAndItsRange()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Command(new Dictionary<string, string?> { ["Fleet:Parameters:fault.permanent-share"] = "2" }).Options(null, null, null, null, null, null, null));

        Assert.Equal("invalid fault.permanent-share 2 (Fleet:Parameters:fault.permanent-share): valid values are 0..1", e.Message);
    }

    [Fact]
    public void Run_Interrupted_WritesWhatIsDoneAndExits130()
    {
        using var stdout = new StringWriter();
        var command = new FleetCommand(new ConsoleStreams(stdout, TextWriter.Null), Services.GetRequiredService<ProfileCatalog>(),
            Services.GetRequiredService<FleetSimulation>(), new ConfigurationBuilder().Build(), TerminalInfo.None);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        var code = command.Run(new FleetOptions { Machines = 1000 }, explain: false, json: true, report: null, cancel.Token);

        Assert.Equal(130, code);
        using var doc = JsonDocument.Parse(stdout.ToString());
        Assert.False(doc.RootElement.GetProperty("complete").GetBoolean());
    }

    [Fact]
    public void Merge_ShardFiles_GiveTheSameResultsAsOneRun()
    {
        var dir = Directory.CreateTempSubdirectory("kmodel-merge-");
        try
        {
            var files = new List<string>();
            for (var i = 1; i <= 2; i++)
            {
                var shard = Kmodel.Run([.. Busy, "--shard", $"{i}/2", "--json"]);
                Assert.Equal(0, shard.ExitCode);
                files.Add(Path.Combine(dir.FullName, $"shard{i}.json"));
                File.WriteAllText(files[^1], shard.Out);
            }

            var merged = Kmodel.Run(["fleet", "merge", .. files, "--json"]);
            var whole = Kmodel.Run([.. Busy, "--json"]);

            Assert.Equal(0, merged.ExitCode);
            using var a = JsonDocument.Parse(whole.Out);
            using var b = JsonDocument.Parse(merged.Out);
            Assert.Equal(a.RootElement.GetProperty("results").GetRawText(), b.RootElement.GetProperty("results").GetRawText());
            Assert.Equal("[1,2]", b.RootElement.GetProperty("shards").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal).ReplaceLineEndings(string.Empty));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Merge_MissingOrMalformedFile_IsBadInput()
    {
        var missing = Kmodel.Run("fleet", "merge", "/nonexistent/shard.json");
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "{\"schema\": \"something else\"}");
        var wrong = Kmodel.Run("fleet", "merge", path);
        File.Delete(path);

        Assert.Equal((2, 2), (missing.ExitCode, wrong.ExitCode));
        Assert.StartsWith("kmodel: cannot read '/nonexistent/shard.json'", missing.Error);
        Assert.Contains("not a kmodel.fleet/1 document", wrong.Error);
    }

    [Fact]
    public void Report_IsWellFormedXhtmlWithTheOutcomeTimelineAndMixCharts()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kmodel-fleet-{Environment.ProcessId}.html");
        try
        {
            var result = Kmodel.Run([.. Busy, "--report", path]);

            Assert.Equal(0, result.ExitCode);
            var doc = XDocument.Load(path);
            XNamespace svg = "http://www.w3.org/2000/svg";
            var titles = doc.Descendants(svg + "svg").Select(s => s.Element(svg + "title")!.Value).ToArray();
            Assert.Equal(3, titles.Length);
            Assert.StartsWith("Outcomes per 1000 machine-years", titles[0]);
            Assert.StartsWith("Cumulative errors", titles[1]);
            Assert.StartsWith("Consumptions by consumer", titles[2]);
            Assert.NotEmpty(doc.Descendants(svg + "polyline"));
            Assert.DoesNotContain(doc.Descendants(), e => e.Name.LocalName is "script" or "link" or "img");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
