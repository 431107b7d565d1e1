using KernelModel.Simulation.Simulate.Workloads;

namespace KernelModel.Simulation.Simulate;

/// <summary>
/// The workloads by name (every <see cref="Workload"/> in Simulate/Workloads, found by reflection), and mixes:
/// names joined with '+', or <c>cloud-host</c>, the default mix of all of them. The kernel's own objects are part of
/// every run.
/// </summary>
public sealed class WorkloadCatalog
{
    /// <summary>The default mix's name.</summary>
    public const string CloudHost = "cloud-host";

    private readonly Dictionary<string, Type> _byName;

    /// <summary>Finds the workloads.</summary>
    public WorkloadCatalog()
    {
        _byName = typeof(Workload).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.IsSubclassOf(typeof(Workload)) && t != typeof(KernelObjects))
            .ToDictionary(t => ((Workload)Activator.CreateInstance(t)!).Name, StringComparer.Ordinal);
    }

    /// <summary>The workload names users can pick, in order, and the default mix.</summary>
    public IReadOnlyList<string> Names => [CloudHost, .. _byName.Keys.Order(StringComparer.Ordinal)];

    /// <summary>One line per name: what it runs.</summary>
    public IEnumerable<(string Name, string Summary)> Describe() =>
        Names.Select(n => (n, n == CloudHost ? "the default mix: " + string.Join(" + ", _byName.Keys.Order(StringComparer.Ordinal)) : New(n).Summary));

    /// <summary>The workload names of a name or mix, in order, without repeats.</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the valid ones.</exception>
    public IReadOnlyList<string> Resolve(string mix)
    {
        var names = new List<string>();
        foreach (var part in mix.Split('+', StringSplitOptions.TrimEntries))
        {
            var expanded = part == CloudHost ? _byName.Keys.Order(StringComparer.Ordinal).ToArray()
                : _byName.ContainsKey(part) ? [part]
                : throw new ArgumentException($"unknown workload '{part}': valid workloads are {string.Join(", ", Names)} (join several with +)");
            names.AddRange(expanded.Where(n => !names.Contains(n)));
        }

        return names;
    }

    /// <summary>New instances of the mix's workloads, the kernel's objects first.</summary>
    public IReadOnlyList<Workload> Create(string mix) => [new KernelObjects(), .. Resolve(mix).Select(New)];

    private Workload New(string name) => (Workload)Activator.CreateInstance(_byName[name])!;
}
