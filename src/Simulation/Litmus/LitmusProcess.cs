using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Simulation.Litmus;

/// <summary>A named mapping of a litmus process: where it starts, how long it is, and the file behind it.</summary>
/// <param name="Start">Its first address.</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="File">The open file behind it (file, shmem, memfd), or null for anonymous and hugetlb memory.</param>
public sealed record LitmusMapping(ulong Start, ulong Length, OpenFile? File);

/// <summary>
/// What a litmus process keeps beside its mm, as the C runner does in its memory: its mappings by name, the frame
/// each page was last seen at (pagemap's same/changed, and the frame an injection names once the page is gone), and
/// how it died. fork copies it, as fork copies the runner's memory; the open files are shared, as fork shares struct file.
/// </summary>
public sealed class LitmusProcess
{
    private readonly Dictionary<string, LitmusMapping> _maps;
    private readonly Dictionary<(string Map, ulong Page), ulong> _lastPfn;

    /// <summary>An empty process.</summary>
    public LitmusProcess()
    {
        _maps = new(StringComparer.Ordinal);
        _lastPfn = [];
    }

    private LitmusProcess(LitmusProcess parent)
    {
        _maps = new(parent._maps, StringComparer.Ordinal);
        _lastPfn = new(parent._lastPfn);
    }

    /// <summary>The signal that killed the process, or 0 while it lives.</summary>
    public int DeathSignal { get; set; }

    /// <summary>The copy a forked child starts with.</summary>
    public LitmusProcess Fork() => new(this);

    /// <summary>Records a mapping (a munmapped one stays known, so a later step can name the hole it left).</summary>
    public void AddMapping(string name, LitmusMapping mapping)
    {
        _maps[name] = mapping;
        foreach (var key in _lastPfn.Keys.Where(k => k.Map == name).ToArray())
        {
            _lastPfn.Remove(key);
        }
    }

    /// <summary>The mapping of that name.</summary>
    /// <exception cref="ArgumentException">No mapping of that name was made in this process.</exception>
    public LitmusMapping Mapping(string name) => _maps.TryGetValue(name, out var m)
        ? m
        : throw new ArgumentException($"no mapping '{name}' in this process: mapped are {string.Join(", ", _maps.Keys)}");

    /// <summary>The mapping holding <paramref name="address"/>, as "NAME+0xOFF"; "0" for no address, "?" outside every mapping.</summary>
    public string Describe(ulong address)
    {
        if (address == 0)
        {
            return "0";
        }

        foreach (var (name, m) in _maps)
        {
            if (address >= m.Start && address < m.Start + m.Length)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{name}+0x{address - m.Start:x}");
            }
        }

        return "?";
    }

    /// <summary>Records the frame a page was seen at; returns new, same or changed against the previous sighting.</summary>
    public string SeeFrame(string map, ulong page, ulong pfn)
    {
        var verdict = _lastPfn.TryGetValue((map, page), out var last) ? (last == pfn ? "same" : "changed") : "new";
        _lastPfn[(map, page)] = pfn;
        return verdict;
    }

    /// <summary>The frame a page was last seen at, or null.</summary>
    public ulong? LastFrame(string map, ulong page) => _lastPfn.TryGetValue((map, page), out var pfn) ? pfn : null;
}
