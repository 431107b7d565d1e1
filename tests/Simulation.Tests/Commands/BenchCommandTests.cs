using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KernelModel.Simulation.Tests.Commands;

public sealed class BenchCommandTests
{
    // The smallest run: one profile, one batch per figure, no warm-up, 2 MiB touched, 1000 fleet machines. Timings are not asserted.
    private static readonly string[] Tiny = ["bench", "--profile", "riscv64", "--batches", "1", "--warmup-ms", "0", "--touch-mib", "2", "--fleet-machines", "1000"];

    [Fact]
    public void Run_DebugBuildOfTheModel_WarnsOnStderrThatTheFiguresAreNotItsSpeed()
    {
        var debug = typeof(KernelModel.Mm.Machine).Assembly.GetCustomAttribute<System.Diagnostics.DebuggableAttribute>()?.IsJITOptimizerDisabled == true;

        var result = Kmodel.Run([.. Tiny, "--json"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(debug, !BenchCommand.ModelIsOptimized);
        Assert.Equal(debug, result.Error.Contains("built in Debug (JIT optimizer off)", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(result.Out);
    }

    [Fact]
    public void Json_TinyRun_HasOneEntryPerFigureForEveryTargetWithItsFields()
    {
        var result = Kmodel.Run([.. Tiny, "--json"]);

        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = JsonDocument.Parse(result.Out);
        var entries = doc.RootElement.EnumerateArray().ToArray();
        Assert.Equal([1, 2, 3, 4, 5, 6], entries.Select(e => e.GetProperty("id").GetInt32()).Distinct().Order());
        Assert.Equal(2, entries.Count(e => e.GetProperty("id").GetInt32() == 1));
        Assert.Equal(2, entries.Count(e => e.GetProperty("id").GetInt32() == 2));
        Assert.Single(entries, e => e.GetProperty("id").GetInt32() == 3);
        Assert.Equal(2, entries.Count(e => e.GetProperty("id").GetInt32() == 5));
        Assert.Equal(3, entries.Count(e => e.GetProperty("id").GetInt32() == 6));
        foreach (var e in entries)
        {
            Assert.False(string.IsNullOrEmpty(e.GetProperty("name").GetString()));
            Assert.False(string.IsNullOrEmpty(e.GetProperty("unit").GetString()));
            var target = e.GetProperty("target").GetString()!;
            var met = e.GetProperty("met").GetBoolean();
            var value = e.GetProperty("value").GetDouble();
            if (target == "reported")
            {
                Assert.True(met);
                continue;
            }

            // met is the comparison the target states, nothing else.
            var (op, bound) = (target[..target.IndexOf(' ', StringComparison.Ordinal)], double.Parse(target[(target.IndexOf(' ', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture));
            Assert.Equal(op switch { ">=" => value >= bound, "<=" => value <= bound, "=" => value == bound, _ => throw new InvalidOperationException(target) }, met);
        }
    }

    [Fact]
    public void Json_TinyRun_NamesTheProfileAndTheBaselinesOfEachRatio()
    {
        var result = Kmodel.Run([.. Tiny, "--json"]);

        using var doc = JsonDocument.Parse(result.Out);
        var byName = doc.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        Assert.Equal(">= 0.8", byName["copy_mc_to_kernel 4 KiB clean / Span.CopyTo [riscv64]"].GetProperty("target").GetString());
        Assert.Equal(">= 0.8", byName["copy_mc_highpage 4 KiB clean / Span.CopyTo [riscv64]"].GetProperty("target").GetString());
        Assert.Equal("<= 20", byName["copy_mc_to_kernel 4 KiB one poisoned line / clean [riscv64]"].GetProperty("target").GetString());
        Assert.Contains("\"target\": \"<= 20\"", result.Out, StringComparison.Ordinal);
        Assert.Equal("<= 3", byName["anonymous COW fault / clean copy_mc_highpage [riscv64]"].GetProperty("target").GetString());
        Assert.Equal("<= 50", byName["1 TiB 2-node machine boot time [generic]"].GetProperty("target").GetString());
        Assert.Equal("<= 64", byName["1 TiB 2-node machine host memory before any touch [generic]"].GetProperty("target").GetString());
        Assert.Equal("<= 1.1", byName["host bytes per touched byte, 2 MiB touched [generic]"].GetProperty("target").GetString());
        Assert.Equal("B", byName["per-frame metadata per touched 4 KiB page [generic]"].GetProperty("unit").GetString());
    }

    [Fact]
    public void Json_TinyRun_TheFleetFiguresNameTheStudyAndTheSeedGivesTheSameResultOnOneThreadAndAllCores()
    {
        var result = Kmodel.Run([.. Tiny, "--json"]);

        using var doc = JsonDocument.Parse(result.Out);
        var byName = doc.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        var rate = byName["fleet Monte Carlo machine-years per minute, default rates [all cores]"];
        Assert.Equal(5, rate.GetProperty("id").GetInt32());
        Assert.Equal("machine-years/min", rate.GetProperty("unit").GetString());
        Assert.Equal(">= 1000000", rate.GetProperty("target").GetString());
        Assert.True(rate.GetProperty("value").GetDouble() > 0);
        Assert.StartsWith("1000 machines x 1 year at the default rates on the 5 default profiles (riscv64-upstream, riscv64, arm64-upstream, arm64, x86_64), seed 1: ",
            rate.GetProperty("note").GetString());
        var same = byName["fleet result for a seed byte-identical, 1 thread vs all cores"];
        Assert.Equal(5, same.GetProperty("id").GetInt32());
        Assert.Equal("bool", same.GetProperty("unit").GetString());
        Assert.Equal("= 1", same.GetProperty("target").GetString());
        Assert.Equal(1, same.GetProperty("value").GetDouble());
        Assert.True(same.GetProperty("met").GetBoolean());
        Assert.Contains("FleetJson of the run on 1 thread", same.GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_TinyRun_TheCleanCopyAndCowFastPathsAllocateNothing()
    {
        var result = Kmodel.Run([.. Tiny, "--json"]);

        using var doc = JsonDocument.Parse(result.Out);
        var allocations = doc.RootElement.EnumerateArray().Where(e => e.GetProperty("id").GetInt32() == 6).ToArray();
        Assert.All(allocations, e => Assert.Equal(0, e.GetProperty("value").GetDouble()));
    }

    [Fact]
    public void Text_TinyRun_PrintsEachFigureWithItsTargetAndTheCount()
    {
        var result = Kmodel.Run(Tiny);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var figures = lines.Where(l => l.StartsWith('[')).ToArray();
        Assert.Equal(14, figures.Length);
        Assert.All(figures, l => Assert.Matches(@"^\[[1-6]\] .+ target (>=|<=|=|reported) .*(met|NOT MET)$", l));
        Assert.Contains(figures, l => Regex.IsMatch(l, @"^\[5\] fleet result for a seed byte-identical, 1 thread vs all cores +1 bool +target = 1 +met$"));
        Assert.Matches(@"^\d+ of 14 figures meet their target$", lines[^1]);
    }

    [Theory]
    [InlineData("--profile", "nope", "unknown profile 'nope': valid profiles are ")]
    [InlineData("--batches", "0", "invalid batch count 0: valid counts are 1..1000")]
    [InlineData("--warmup-ms", "-1", "invalid warm-up -1 ms: valid values are 0..10000")]
    [InlineData("--touch-mib", "3", "invalid touch size 3 MiB: valid sizes are multiples of 2 in 2..65536")]
    [InlineData("--fleet-machines", "0", "invalid fleet size 0 machines: valid sizes are 1..1000000000")]
    public void BadValue_IsExit2WithAMessageNamingIt(string option, string value, string message)
    {
        var args = Tiny.ToList();
        var at = args.IndexOf(option);
        args[at + 1] = value;

        var result = Kmodel.Run([.. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Equal(string.Empty, result.Out);
    }
}
