namespace KernelModel.Simulation.Litmus;

/// <summary>
/// Reads the litmus format (litmus/README.md): header lines (litmus, summary, requires, late, process), steps
/// "TASK OP ARGS... [=> field=value...]" (prefixed "model-only" for what needs real hardware), and file-level
/// expectations (console PATTERN, counters NAME=DELTA...). A line starting with '#' is a comment.
/// </summary>
public static class LitmusParser
{
    /// <summary>The observation fields an expectation may name, in canonical order.</summary>
    public static IReadOnlyList<string> Fields { get; } = ["ret", "errno", "sig", "data", "map", "exit"];

    /// <summary>The counter names of the canonical counters line, in order.</summary>
    public static IReadOnlyList<string> CounterNames { get; } = ["HardwareCorrupted", "total", "ignored", "failed", "delayed", "recovered"];

    /// <summary>Every operation and its argument count (minimum, maximum).</summary>
    public static IReadOnlyDictionary<string, (int Min, int Max)> Operations { get; } = new Dictionary<string, (int, int)>(StringComparer.Ordinal)
    {
        ["mmap"] = (4, 5), ["munmap"] = (1, 1), ["write"] = (3, 3), ["read"] = (2, 2), ["pagemap"] = (2, 2),
        ["pread"] = (2, 2), ["pwrite"] = (3, 3), ["fsync"] = (1, 1), ["ftruncate"] = (2, 2), ["punch"] = (3, 3),
        ["madvise"] = (4, 4), ["fork"] = (1, 1), ["thread"] = (1, 1), ["sigaction"] = (2, 2), ["sigmask"] = (2, 2),
        ["sigpending"] = (1, 1), ["signals"] = (0, 0), ["prctl"] = (1, 6), ["sysctl"] = (2, 2), ["drop-cap"] = (0, 0),
        ["corrupt-pfn"] = (1, 2), ["unpoison-pfn"] = (1, 2), ["hard-offline"] = (1, 2), ["soft-offline"] = (1, 2),
        ["inject-raw"] = (2, 2), ["poison"] = (3, 3), ["poison-cache"] = (3, 3),
    };

    /// <summary>Operations only the model can perform (they need real hardware): allowed only as model-only steps.</summary>
    public static IReadOnlySet<string> ModelOnlyOperations { get; } = new HashSet<string>(StringComparer.Ordinal) { "poison", "poison-cache" };

    /// <summary>Reads a file.</summary>
    /// <exception cref="ArgumentException">The file cannot be read or is malformed; the message names file and line.</exception>
    public static LitmusFile ParseFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new ArgumentException($"{path}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ArgumentException($"{path}: {e.Message}");
        }

        return Parse(text, path);
    }

    /// <summary>Parses the text of a file.</summary>
    /// <exception cref="ArgumentException">Malformed; the message names the file, the line and what is valid.</exception>
    public static LitmusFile Parse(string text, string path)
    {
        string? id = null;
        var summary = string.Empty;
        var late = false;
        var requires = new List<string>();
        var processes = new List<string>();
        var tasks = new HashSet<string>(StringComparer.Ordinal);
        var steps = new List<LitmusStep>();
        var console = new List<string>();
        var counters = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var where = $"{path}:{lineNo}";
            var word = line.Split(' ', 2)[0];
            var rest = line.Length > word.Length ? line[(word.Length + 1)..].Trim() : string.Empty;
            switch (word)
            {
                case "litmus":
                    id = rest.Length > 0 && !rest.Contains(' ', StringComparison.Ordinal) ? rest : throw new ArgumentException($"{where}: 'litmus' takes one id");
                    continue;
                case "summary":
                    summary = rest;
                    continue;
                case "late":
                    late = true;
                    continue;
                case "requires":
                    requires.AddRange(rest.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                    continue;
                case "process":
                    if (rest.Length == 0 || !tasks.Add(rest))
                    {
                        throw new ArgumentException($"{where}: 'process' takes one new task name");
                    }

                    processes.Add(rest);
                    continue;
                case "console":
                    console.Add(rest);
                    continue;
                case "counters":
                    foreach (var (name, value) in Pairs(rest, where))
                    {
                        counters[name] = CounterNames.Contains(name) ? value : throw new ArgumentException($"{where}: unknown counter '{name}': valid are {string.Join(", ", CounterNames)}");
                    }

                    continue;
            }

            steps.Add(ParseStep(line, where, lineNo, steps.Count + 1, tasks));
        }

        if (id is null)
        {
            throw new ArgumentException($"{path}: no 'litmus ID' line");
        }

        return new LitmusFile(path, id, summary, requires, late, processes, steps, console, counters);
    }

    private static LitmusStep ParseStep(string line, string where, int lineNo, int number, HashSet<string> tasks)
    {
        var expect = new Dictionary<string, string>(StringComparer.Ordinal);
        var arrow = line.IndexOf("=>", StringComparison.Ordinal);
        if (arrow >= 0)
        {
            foreach (var (name, value) in Pairs(line[(arrow + 2)..], where))
            {
                expect[name] = Fields.Contains(name) ? value : throw new ArgumentException($"{where}: unknown field '{name}': valid are {string.Join(", ", Fields)}");
            }

            line = line[..arrow];
        }

        var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var modelOnly = tokens[0] == "model-only";
        if (modelOnly)
        {
            tokens.RemoveAt(0);
        }

        if (tokens.Count < 2)
        {
            throw new ArgumentException($"{where}: a step is TASK OPERATION ARGS...");
        }

        var (task, op, args) = (tokens[0], tokens[1], tokens.Skip(2).ToArray());
        if (!tasks.Contains(task))
        {
            throw new ArgumentException($"{where}: unknown task '{task}': tasks so far are {string.Join(", ", tasks)}");
        }

        if (!Operations.TryGetValue(op, out var arity))
        {
            throw new ArgumentException($"{where}: unknown operation '{op}': valid are {string.Join(", ", Operations.Keys)}");
        }

        if (args.Length < arity.Min || args.Length > arity.Max)
        {
            throw new ArgumentException($"{where}: {op} takes {arity.Min}..{arity.Max} arguments, not {args.Length}");
        }

        if (ModelOnlyOperations.Contains(op) && !modelOnly)
        {
            throw new ArgumentException($"{where}: {op} needs real hardware: mark the step model-only");
        }

        if (op is "fork" or "thread" && !tasks.Add(args[0]))
        {
            throw new ArgumentException($"{where}: task '{args[0]}' exists already");
        }

        return new LitmusStep(number, lineNo, task, op, args, modelOnly, expect);
    }

    private static IEnumerable<(string Name, string Value)> Pairs(string text, string where)
    {
        foreach (var pair in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"{where}: '{pair}' is not NAME=VALUE");
            }

            yield return (pair[..eq], pair[(eq + 1)..]);
        }
    }
}
