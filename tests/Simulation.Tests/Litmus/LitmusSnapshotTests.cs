using KernelModel.Simulation.Litmus;

namespace KernelModel.Simulation.Tests.Litmus;

/// <summary>
/// The model's output for the x86_64 profile, with the kernel options matching each committed snapshot, compared with
/// that snapshot step by step: every difference must be a listed divergence (litmus/divergences.txt, with its reason),
/// and every listed divergence must still differ.
/// </summary>
public sealed class LitmusSnapshotTests
{
    public static TheoryData<string> Snapshots() => new(LitmusRepository.Snapshots.Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Snapshots))]
    public void Model_AgreesWithSnapshot_ExceptListedDivergences(string snapshot)
    {
        var path = Path.Combine(LitmusRepository.Directory, "snapshots", snapshot);
        var real = CanonicalText.Parse(File.ReadAllText(path), path);
        var release = real.Header["kernel"];
        var kernel = LitmusKernel.Get(release);
        var model = CanonicalText.Parse(ModelOutput(kernel), "model");
        var divergences = LitmusDivergence.Parse(File.ReadAllText(Path.Combine(LitmusRepository.Directory, "divergences.txt")), "divergences.txt");

        var items = LitmusDiff.Compare(model, real, kernel.Name, divergences);

        var unlisted = items.Where(i => i.Status == DiffStatus.Differ && i.Known is null)
            .Select(i => $"{i.File} {i.Key} {i.Label}: model [{i.A}] kernel [{i.B}]").ToArray();
        Assert.True(unlisted.Length == 0, "differences not listed in litmus/divergences.txt:\n" + string.Join("\n", unlisted));
        var stale = divergences.Where(d => (d.Series == kernel.Name || d.Series == "*") && !d.Reason.StartsWith("racy:", StringComparison.Ordinal))
            .Where(d => !items.Any(i => i.Status == DiffStatus.Differ && i.File == d.File && i.Key == d.Key))
            .Select(d => $"{d.File} {d.Key}").ToArray();
        Assert.True(stale.Length == 0, "listed divergences that no longer differ:\n" + string.Join("\n", stale));
        Assert.True(items.Count(i => i.Status == DiffStatus.Match) >= 400, LitmusDiff.Agreement(items));
    }

    [Fact]
    public void Snapshots_CoverTwoKernelSeries()
    {
        var series = LitmusRepository.Snapshots
            .Select(p => LitmusKernel.Get(CanonicalText.Parse(File.ReadAllText(p), p).Header["kernel"]).Name)
            .Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(["6.1", "6.12"], series);
    }

    private static string ModelOutput(LitmusKernel kernel)
    {
        var result = Kmodel.Run(["litmus", "run", .. LitmusRepository.Files, "--profile", "x86_64", "--kernel", kernel.Name]);
        Assert.Equal(string.Empty, result.Error);
        return result.Out;
    }
}
