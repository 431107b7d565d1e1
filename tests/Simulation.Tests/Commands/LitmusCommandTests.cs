using System.Text.Json;
using KernelModel.Simulation.Tests.Litmus;

namespace KernelModel.Simulation.Tests.Commands;

public sealed class LitmusCommandTests
{
    private static string Catalogue(string id) => Path.Combine(LitmusRepository.Directory, id + ".litmus");

    [Fact]
    public void Run_PrintsOneCanonicalLinePerStep()
    {
        var result = Kmodel.Run("litmus", "run", Catalogue("anon-hwpoison-handled"), "--profile", "x86_64");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("anon-hwpoison-handled 5 P0 madvise a 0 1 hwpoison => ret=0 errno=0 sig=SIGBUS/BUS_MCEERR_AR/12@a+0x0 data=- map=- exit=alive", result.Out);
        Assert.Contains("anon-hwpoison-handled 6 P0 pagemap a 0 => ret=- errno=- sig=none data=- map=swap exit=alive", result.Out);
        Assert.Contains("anon-hwpoison-handled counters HardwareCorrupted=+4kB total=+1 ignored=+0 failed=+0 delayed=+0 recovered=+1", result.Out);
        Assert.Contains("# judge anon-hwpoison-handled: ok", result.Out);
    }

    [Fact]
    public void Run_KernelOptionChangesTheMadviseCaller_61IsLateKill()
    {
        var result = Kmodel.Run("litmus", "run", Catalogue("anon-hwpoison-handled"), "--profile", "x86_64", "--kernel", "6.1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("anon-hwpoison-handled 5 P0 madvise a 0 1 hwpoison => ret=0 errno=0 sig=none", result.Out);
        Assert.Contains("FAIL: step 5 (P0 madvise a 0 1 hwpoison): sig=none, expected sig=SIGBUS/BUS_MCEERR_AR/12@a+0x0", result.Out);
    }

    [Fact]
    public void Run_ModelOnlyStepRunsOnTheModel()
    {
        var result = Kmodel.Run("litmus", "run", Catalogue("model-cow-anon"), "--profile", "x86_64");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("model-cow-anon 6 P1 write a 0 0x11 => ret=- errno=- sig=SIGBUS/BUS_MCEERR_AR/12@a+0x0", result.Out);
    }

    [Fact]
    public void Run_Json_HasStepsConsoleCountersAndJudge()
    {
        var result = Kmodel.Run("litmus", "run", Catalogue("errors-madvise"), "--profile", "x86_64", "--json");

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var file = doc.RootElement.GetProperty("files")[0];
        Assert.Equal(["litmus", "steps", "console", "counters", "judge"], file.EnumerateObject().Select(p => p.Name));
        var step = file.GetProperty("steps")[6];
        Assert.Equal(("EFAULT", "-1"), (step.GetProperty("errno").GetString(), step.GetProperty("ret").GetString()));
        Assert.Equal(0, file.GetProperty("judge").GetArrayLength());
    }

    [Fact]
    public void Run_Json_WritesTheCountersSignAsItIsNotEscaped()
    {
        var result = Kmodel.Run("litmus", "run", Catalogue("errors-madvise"), "--profile", "x86_64", "--json");

        Assert.Contains("\"HardwareCorrupted\": \"+", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u002B", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_CountsMatchesAndSkipsAfterModelOnlySteps()
    {
        var dir = Directory.CreateTempSubdirectory("litmus");
        try
        {
            var a = Path.Combine(dir.FullName, "a.txt");
            var b = Path.Combine(dir.FullName, "b.txt");
            File.WriteAllText(a, "x 1 P0 read a 0 => ret=- errno=- sig=none data=0x5a map=- exit=alive\nx 2 P0 poison a 0 0 => ret=- errno=- sig=none data=- map=- exit=alive\nx counters HardwareCorrupted=+0kB total=- ignored=- failed=- delayed=- recovered=-\n"
                + "y 1 P0 read a 0 => ret=- errno=- sig=none data=0x5a map=- exit=alive\ny counters HardwareCorrupted=+4kB total=- ignored=- failed=- delayed=- recovered=-\n");
            File.WriteAllText(b, "# kernel 6.1.0-56-amd64\nx 1 P0 read a 0 => ret=- errno=- sig=none data=0x5a map=- exit=alive\nx 2 P0 poison a 0 0 => skipped model-only\nx counters HardwareCorrupted=+0kB total=- ignored=- failed=- delayed=- recovered=-\n"
                + "y 1 P0 read a 0 => ret=- errno=- sig=none data=0x11 map=- exit=alive\ny counters HardwareCorrupted=+4kB total=- ignored=- failed=- delayed=- recovered=-\n");

            var result = Kmodel.Run("litmus", "diff", a, b, "--divergences", Path.Combine(LitmusRepository.Directory, "divergences.txt"));

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("differs: y 1 P0 read a 0", result.Out);
            Assert.Contains("agreement with kernel 6.1.0-56-amd64: 3 of 4 items match (75.0%) (steps: 1 of 2 items match (50.0%)); 0 listed divergences; 3 items not compared", result.Out);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("run", "no-such.litmus", "--profile", "x86_64", "no-such.litmus")]
    [InlineData("run", "CATALOGUE", "--profile", "sparc", "unknown profile 'sparc'")]
    [InlineData("run", "CATALOGUE", "--profile", "x86_64", "unknown kernel 'v2.6'")]
    public void BadInput_IsNamedWithExitCode2(string verb, string file, string option, string profile, string message)
    {
        var args = new List<string> { "litmus", verb, file == "CATALOGUE" ? Catalogue("errors-madvise") : file, option, profile };
        if (message.Contains("v2.6", StringComparison.Ordinal))
        {
            args.AddRange(["--kernel", "v2.6"]);
        }

        var result = Kmodel.Run([.. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
    }
}
