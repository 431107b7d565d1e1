using KernelModel.Simulation.Litmus;

namespace KernelModel.Simulation.Tests.Litmus;

/// <summary>Every litmus file's expectations hold on the model (x86_64, v6.17), and the catalogue covers what the issue lists.</summary>
public sealed class LitmusCatalogueTests
{
    public static TheoryData<string> Files() => new(LitmusRepository.Files.Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Files))]
    public void Expectations_HoldOnTheModel(string file)
    {
        var result = Kmodel.Run("litmus", "run", Path.Combine(LitmusRepository.Directory, file), "--profile", "x86_64");

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.Contains(": ok", result.Out);
    }

    [Fact]
    public void Catalogue_CoversTheInterfaces()
    {
        var files = LitmusRepository.Files.Select(LitmusParser.ParseFile).ToArray();
        var ops = files.SelectMany(f => f.Steps).Select(s => s.Op == "madvise" ? "madvise " + s.Args[3] : s.Op).ToHashSet(StringComparer.Ordinal);

        foreach (var op in new[]
                 {
                     "madvise hwpoison", "madvise soft-offline", "corrupt-pfn", "unpoison-pfn", "hard-offline", "soft-offline", "prctl", "sysctl",
                     "fork", "thread", "pread", "pwrite", "fsync", "punch", "sigmask", "sigpending", "drop-cap", "pagemap", "poison",
                 })
        {
            Assert.Contains(op, ops);
        }

        Assert.Contains(files, f => f.Steps.Any(s => s.ModelOnly));
        Assert.All(files, f => Assert.Equal(Path.GetFileNameWithoutExtension(f.Path), f.Id));
    }
}
