namespace KernelModel.Simulation.Litmus;

/// <summary>How one item compared.</summary>
public enum DiffStatus
{
    /// <summary>Both sides showed the same.</summary>
    Match,

    /// <summary>The sides differ.</summary>
    Differ,

    /// <summary>Not compared: a model-only step came before it in its file, or a side skipped or lacks the file.</summary>
    NotCompared,
}

/// <summary>One item of a comparison.</summary>
/// <param name="File">The litmus id.</param>
/// <param name="Key">Step number, console or counters.</param>
/// <param name="Label">The step's text.</param>
/// <param name="A">What the first side showed (null when it lacks the item).</param>
/// <param name="B">What the second side showed.</param>
/// <param name="Status">How it compared.</param>
/// <param name="Known">The listed divergence it is, when it differs on purpose.</param>
public sealed record DiffItem(string File, string Key, string Label, string? A, string? B, DiffStatus Status, LitmusDivergence? Known);

/// <summary>
/// Compares two canonical outputs item by item (each step, each file's console lines, each file's counters). A
/// model-only step ends the comparable part of its file: the real kernel ran the rest without the poison. A file one
/// side skipped (a requirement the machine did not meet) or lacks is not compared.
/// </summary>
public static class LitmusDiff
{
    /// <summary>The comparison; <paramref name="series"/> selects which listed divergences apply.</summary>
    public static IReadOnlyList<DiffItem> Compare(CanonicalText a, CanonicalText b, string series, IReadOnlyList<LitmusDivergence> divergences)
    {
        var items = new List<DiffItem>();
        foreach (var file in a.Files.Concat(b.Files.Except(a.Files, StringComparer.Ordinal)))
        {
            var left = a.Items(file);
            var right = b.Items(file);
            var comparable = !a.SkippedFiles.ContainsKey(file) && !b.SkippedFiles.ContainsKey(file) && left.Count > 0 && right.Count > 0;
            var keys = left.Select(i => i.Key).Concat(right.Select(i => i.Key).Except(left.Select(i => i.Key), StringComparer.Ordinal));
            foreach (var key in keys)
            {
                var l = left.FirstOrDefault(i => i.Key == key);
                var r = right.FirstOrDefault(i => i.Key == key);
                if (l?.SkippedModelOnly == true || r?.SkippedModelOnly == true)
                {
                    comparable = false;
                }

                var label = l?.Label ?? r!.Label;
                if (!comparable || l is null || r is null)
                {
                    items.Add(new DiffItem(file, key, label, l?.Value, r?.Value, DiffStatus.NotCompared, null));
                    continue;
                }

                var same = l.Label == r.Label && l.Value == r.Value;
                var known = same ? null : divergences.FirstOrDefault(d => d.AppliesTo(series, file, key));
                items.Add(new DiffItem(file, key, label, l.Value, r.Value, same ? DiffStatus.Match : DiffStatus.Differ, known));
            }
        }

        return items;
    }

    /// <summary>The agreement figure: "M of N items match (P%)".</summary>
    public static string Agreement(IReadOnlyList<DiffItem> items)
    {
        var compared = items.Count(i => i.Status != DiffStatus.NotCompared);
        var matched = items.Count(i => i.Status == DiffStatus.Match);
        var percent = compared == 0 ? 0 : 100.0 * matched / compared;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{matched} of {compared} items match ({percent:0.0}%)");
    }
}
