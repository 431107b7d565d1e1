namespace KernelModel.Simulation.Scenarios;

/// <summary>Every scenario class in Catalog/, by id.</summary>
public sealed class ScenarioCatalog
{
    private readonly Dictionary<string, Scenario> _byId;

    /// <summary>Finds every concrete <see cref="Scenario"/> in this assembly.</summary>
    public ScenarioCatalog()
    {
        _byId = typeof(Scenario).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.IsSubclassOf(typeof(Scenario)))
            .Select(t => (Scenario)Activator.CreateInstance(t)!)
            .ToDictionary(s => s.Id, StringComparer.Ordinal);
    }

    /// <summary>Scenarios in id order.</summary>
    public IReadOnlyList<Scenario> All => _byId.Values.OrderBy(s => s.Id, StringComparer.Ordinal).ToArray();

    /// <summary>The scenario with that id.</summary>
    /// <exception cref="ArgumentException">Unknown id; the message lists the valid ones.</exception>
    public Scenario Get(string id) => _byId.TryGetValue(id, out var s)
        ? s
        : throw new ArgumentException($"unknown scenario '{id}': valid scenarios are {string.Join(", ", All.Select(x => x.Id))}");
}
