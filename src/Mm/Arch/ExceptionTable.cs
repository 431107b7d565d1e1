namespace KernelModel.Mm;

/// <summary>
/// An architecture's exception table as data: every site that has an entry. search_exception_tables()
/// is a lookup by site; a site absent here has no fixup.
/// </summary>
public sealed class ExceptionTable
{
    private readonly Dictionary<CodeSite, ExtableEntry> _bySite;

    /// <summary>Builds the table; each site may appear once.</summary>
    public ExceptionTable(IEnumerable<ExtableEntry> entries)
    {
        Entries = entries.ToArray();
        _bySite = new Dictionary<CodeSite, ExtableEntry>();
        foreach (var e in Entries)
        {
            if (!_bySite.TryAdd(e.Site, e))
            {
                throw new ArgumentException($"two exception-table entries for {e.Site}", nameof(entries));
            }
        }
    }

    /// <summary>An empty table: nothing is fixed up.</summary>
    public static ExceptionTable Empty { get; } = new([]);

    /// <summary>Every entry, in the order the architecture lists them.</summary>
    public IReadOnlyList<ExtableEntry> Entries { get; }

    /// <summary>search_exception_tables(): the entry for a site, or null.</summary>
    [KernelSymbol("kernel/extable.c", "search_exception_tables")]
    public ExtableEntry? Search(CodeSite site) => _bySite.GetValueOrDefault(site);

    /// <summary>A table holding this table's entries and another's (an architecture's routines are listed together).</summary>
    public ExceptionTable Concat(ExceptionTable other) => new(Entries.Concat(other.Entries));
}
