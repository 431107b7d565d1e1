namespace KernelModel.Simulation.Tests.Litmus;

/// <summary>The repository's litmus directory, found by walking up from the test binaries to KernelModel.sln.</summary>
public static class LitmusRepository
{
    public static string Directory { get; } = Find();

    public static string[] Files => System.IO.Directory.GetFiles(Directory, "*.litmus").Order(StringComparer.Ordinal).ToArray();

    public static string[] Snapshots => System.IO.Directory.GetFiles(Path.Combine(Directory, "snapshots"), "*.txt").Order(StringComparer.Ordinal).ToArray();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KernelModel.sln")))
            {
                return Path.Combine(dir.FullName, "litmus");
            }
        }

        throw new DirectoryNotFoundException("KernelModel.sln not found above " + AppContext.BaseDirectory);
    }
}
