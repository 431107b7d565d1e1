namespace KernelModel.Simulation.Litmus;

/// <summary>
/// A difference between the model and a real kernel that the model keeps on purpose, with its reason
/// (litmus/divergences.txt: "SERIES FILE KEY REASON", SERIES a kernel series such as 6.1 or * for all). A reason that
/// starts with "racy:" marks an outcome that depends on timing on the real machine, so it may or may not differ.
/// </summary>
/// <param name="Series">The kernel series it applies to, or "*".</param>
/// <param name="File">The litmus id.</param>
/// <param name="Key">The step number, "console" or "counters".</param>
/// <param name="Reason">Why the model keeps it.</param>
public sealed record LitmusDivergence(string Series, string File, string Key, string Reason)
{
    /// <summary>Reads the list.</summary>
    /// <exception cref="ArgumentException">A line is malformed; the message names it.</exception>
    public static IReadOnlyList<LitmusDivergence> Parse(string text, string source)
    {
        var list = new List<LitmusDivergence>();
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 4)
            {
                throw new ArgumentException($"{source}:{lineNo}: a divergence is SERIES FILE KEY REASON");
            }

            list.Add(new LitmusDivergence(parts[0], parts[1], parts[2], parts[3]));
        }

        return list;
    }

    /// <summary>Whether it applies to this kernel series, file and item.</summary>
    public bool AppliesTo(string series, string file, string key) => (Series == "*" || Series == series) && File == file && Key == key;
}
