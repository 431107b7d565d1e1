using System.Text.Json;
using System.Xml.Linq;
using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Simulation.Tests.Commands;

public sealed class CompareCommandTests
{
    private static readonly IServiceProvider Services = KmodelHost.BuildHost([], TextWriter.Null, TextWriter.Null).Services;

    [Fact]
    public void NoArguments_PrintsEveryScenarioUnderEveryProfileAndTheHeadline()
    {
        var result = Kmodel.Run();

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        foreach (var s in Services.GetRequiredService<ScenarioCatalog>().All)
        {
            Assert.Contains(s.Id, result.Out);
        }

        var header = result.Out.Split('\n').Single(l => l.StartsWith("scenario ", StringComparison.Ordinal));
        Assert.All(Services.GetRequiredService<ProfileCatalog>().All, p => Assert.Contains(" " + p.Name, header));
        Assert.Matches(@"\nuser-load-anon +SIGBUS( +SIGBUS){7}\n", result.Out);
        Assert.Contains("Before and after the patch", result.Out);
        Assert.Matches(@"riscv64 +riscv64-upstream +\d+ of \d+ \(\d+ panic\) +riscv64 +\d+ of \d+", result.Out);
        Assert.Matches(@"arm64 +arm64-upstream +\d+ of \d+ \(\d+ panic\) +arm64 +\d+ of \d+", result.Out);
        Assert.Matches(@"x86_64 \(yardstick\) +x86_64 +\d+ of \d+", result.Out);
        Assert.DoesNotContain("\u001b[", result.Out);
    }

    [Fact]
    public void Json_SameSeed_IsByteIdentical()
    {
        Assert.Equal(Kmodel.Run("--json", "--seed", "5").Out, Kmodel.Run("--json", "--seed", "5").Out);
    }

    [Fact]
    public void Json_HasTheSchemaACellPerProfileAndTheHeadlinePairs()
    {
        var result = Kmodel.Run("--json");

        using var doc = JsonDocument.Parse(result.Out);
        var root = doc.RootElement;
        Assert.Equal("kmodel.matrix/1", root.GetProperty("schema").GetString());
        var profiles = root.GetProperty("profiles").EnumerateArray().Select(p => p.GetString()).ToArray();
        Assert.Equal(Services.GetRequiredService<ProfileCatalog>().All.Count, profiles.Length);
        Assert.Equal("generic", profiles[0]);
        Assert.True(Array.IndexOf(profiles, "riscv64-upstream") + 1 == Array.IndexOf(profiles, "riscv64"));
        var anon = root.GetProperty("scenarios").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "user-load-anon");
        var cells = anon.GetProperty("cells").EnumerateArray().ToArray();
        Assert.Equal(profiles.Length, cells.Length);
        Assert.All(cells, c => Assert.Equal(("SIGBUS", false, true), (c.GetProperty("outcome").GetString(), c.GetProperty("kernel_mode").GetBoolean(),
            c.GetProperty("matches_declared").GetBoolean())));
        var pairs = root.GetProperty("headline").EnumerateArray()
            .Select(h => (h.GetProperty("before").GetProperty("profile").GetString(), h.GetProperty("after").GetProperty("profile").GetString())).ToArray();
        Assert.Contains(("riscv64-upstream", "riscv64"), pairs);
        Assert.Contains(("arm64-upstream", "arm64"), pairs);
        Assert.Equal("x86_64", root.GetProperty("yardstick").GetProperty("profile").GetString());
    }

    [Fact]
    public void Report_IsWellFormedXhtmlHoldingTheMatrixAndHeadlineCharts()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kmodel-matrix-{Environment.ProcessId}.html");
        try
        {
            var result = Kmodel.Run("--report", path);

            Assert.Equal(0, result.ExitCode);
            var doc = XDocument.Load(path);
            XNamespace svg = "http://www.w3.org/2000/svg";
            var charts = doc.Descendants(svg + "svg").ToArray();
            Assert.Equal(2, charts.Length);
            Assert.Contains(charts, c => c.Element(svg + "title")!.Value == "Outcome of each scenario on each profile");
            Assert.Contains(doc.Descendants(svg + "text"), t => t.Value == "user-load-anon");
            Assert.DoesNotContain(doc.Descendants(), e => e.Name.LocalName is "script" or "link" or "img");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Report_InADirectoryThatDoesNotExist_IsBadInputAndNothingIsPrinted()
    {
        var result = Kmodel.Run("--report", "/nonexistent-dir/m.html");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.Contains("'/nonexistent-dir/m.html'", result.Error);
        Assert.Contains("does not exist", result.Error);
    }

    [Fact]
    public void UnknownOption_IsBadInputWithExitCode2()
    {
        var result = Kmodel.Run("--no-such-option");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--no-such-option", result.Error);
    }

    [Fact]
    public void MalformedSeed_NamesTheValue()
    {
        var result = Kmodel.Run("--seed", "seven");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("seven", result.Error);
    }
}
