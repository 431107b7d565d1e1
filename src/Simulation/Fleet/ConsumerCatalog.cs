namespace KernelModel.Simulation.Fleet;

/// <summary>Every <see cref="Consumer"/> in this assembly, by id.</summary>
public sealed class ConsumerCatalog
{
    private readonly Dictionary<string, Consumer> _byId;

    /// <summary>Finds the consumers by reflection, as the scenario catalogue finds scenarios.</summary>
    public ConsumerCatalog()
    {
        _byId = typeof(Consumer).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.IsSubclassOf(typeof(Consumer)))
            .Select(t => (Consumer)Activator.CreateInstance(t)!)
            .ToDictionary(c => c.Id, StringComparer.Ordinal);
    }

    /// <summary>Consumers in id order.</summary>
    public IReadOnlyList<Consumer> All => _byId.Values.OrderBy(c => c.Id, StringComparer.Ordinal).ToArray();

    /// <summary>The consumer with that id.</summary>
    /// <exception cref="ArgumentException">Unknown id; the message lists the valid ones.</exception>
    public Consumer Get(string id) => _byId.TryGetValue(id, out var c)
        ? c
        : throw new ArgumentException($"unknown consumer '{id}': valid consumers are {string.Join(", ", All.Select(x => x.Id))}");
}
