namespace KernelModel.Mm;

/// <summary>
/// Every registered profile, and how to boot a machine of one. The memory-failure handler (src/Hwpoison) is
/// plugged in when registered; without it the machine is built as with CONFIG_MEMORY_FAILURE=n.
/// </summary>
public sealed class ProfileCatalog
{
    private readonly Dictionary<string, Profile> _byName;
    private readonly Func<Machine, IMemoryFailure>? _memoryFailure;
    private readonly Func<Machine, IGhes>? _ghes;

    /// <summary>Builds the catalogue; profile names must be unique.</summary>
    public ProfileCatalog(IEnumerable<Profile> profiles, Func<Machine, IMemoryFailure>? memoryFailure = null, Func<Machine, IGhes>? ghes = null)
    {
        _byName = new Dictionary<string, Profile>(StringComparer.Ordinal);
        foreach (var p in profiles)
        {
            if (!_byName.TryAdd(p.Name, p))
            {
                throw new ArgumentException($"profile '{p.Name}' is registered twice", nameof(profiles));
            }
        }

        _memoryFailure = memoryFailure;
        _ghes = ghes;
    }

    /// <summary>Profiles in name order.</summary>
    public IReadOnlyList<Profile> All => _byName.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();

    /// <summary>The profile of that name.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid ones.</exception>
    public Profile Get(string name) => _byName.TryGetValue(name, out var p)
        ? p
        : throw new ArgumentException($"unknown profile '{name}': valid profiles are {string.Join(", ", All.Select(x => x.Name))}");

    /// <summary>Boots a machine of a profile: <paramref name="config"/> with the profile's own settings applied (<see cref="Profile.Configure"/>).</summary>
    public Machine Boot(string profile, MachineConfig config)
    {
        var p = Get(profile);
        return new(p.Configure is { } configure ? configure(config) : config, p.Architecture, _memoryFailure, _ghes);
    }
}
