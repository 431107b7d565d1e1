namespace KernelModel.Simulation.Litmus;

/// <summary>One comparable item of a canonical output: a step, a file's console lines, or a file's counters.</summary>
/// <param name="File">The litmus id.</param>
/// <param name="Key">The step number, "console" or "counters".</param>
/// <param name="Label">What the item is (the step's text).</param>
/// <param name="Value">What it showed: the observation, the console lines joined, the counters; "skipped ..." when not run.</param>
public sealed record CanonicalItem(string File, string Key, string Label, string Value)
{
    /// <summary>Whether the step was skipped as model-only.</summary>
    public bool SkippedModelOnly => Value == "skipped model-only";
}

/// <summary>
/// A canonical output read back (a snapshot, or saved <c>kmodel litmus run</c> output): the "#" header lines
/// (# kernel RELEASE ...) and the items by file, in order. Files skipped by the runner are listed with their reason.
/// </summary>
public sealed class CanonicalText
{
    private readonly Dictionary<string, List<CanonicalItem>> _files = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    /// <summary>Header values by name ("kernel" gives the release the snapshot was taken on).</summary>
    public Dictionary<string, string> Header { get; } = new(StringComparer.Ordinal);

    /// <summary>Files the runner skipped, with the reason.</summary>
    public Dictionary<string, string> SkippedFiles { get; } = new(StringComparer.Ordinal);

    /// <summary>File ids in order of appearance.</summary>
    public IReadOnlyList<string> Files => _order;

    /// <summary>The items of a file, or none.</summary>
    public IReadOnlyList<CanonicalItem> Items(string file) => _files.TryGetValue(file, out var items) ? items : [];

    /// <summary>Reads canonical text.</summary>
    /// <exception cref="ArgumentException">A line is not in the canonical form; the message names it.</exception>
    public static CanonicalText Parse(string text, string source)
    {
        var result = new CanonicalText();
        var console = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                var words = line.TrimStart('#', ' ').Split(' ', 2);
                if (words.Length == 2)
                {
                    result.Header.TryAdd(words[0], words[1]);
                }

                continue;
            }

            var parts = line.Split(' ', 3);
            if (parts.Length < 3)
            {
                throw new ArgumentException($"{source}:{lineNo}: not a canonical line: '{line}'");
            }

            var (file, key, rest) = (parts[0], parts[1], parts[2]);
            switch (key)
            {
                case "skipped":
                    result.SkippedFiles[file] = rest;
                    result.Touch(file);
                    break;
                case "console":
                    result.Touch(file);
                    if (!console.TryGetValue(file, out var lines))
                    {
                        console[file] = lines = [];
                    }

                    lines.Add(rest);
                    break;
                case "counters":
                    result.Touch(file);
                    result.Add(new CanonicalItem(file, "console", "console", console.TryGetValue(file, out var c) ? string.Join(" | ", c) : string.Empty));
                    result.Add(new CanonicalItem(file, "counters", "counters", rest));
                    break;
                default:
                    var arrow = rest.IndexOf(" => ", StringComparison.Ordinal);
                    if (!int.TryParse(key, out _) || arrow < 0)
                    {
                        throw new ArgumentException($"{source}:{lineNo}: not a canonical line: '{line}'");
                    }

                    result.Touch(file);
                    result.Add(new CanonicalItem(file, key, rest[..arrow], rest[(arrow + 4)..]));
                    break;
            }
        }

        return result;
    }

    private void Touch(string file)
    {
        if (!_files.ContainsKey(file))
        {
            _files[file] = [];
            _order.Add(file);
        }
    }

    private void Add(CanonicalItem item) => _files[item.File].Add(item);
}
