namespace KernelModel.Mm;

/// <summary>A NUMA node's span of physical frames (include/linux/mmzone.h, pglist_data: node_start_pfn, node_spanned_pages).</summary>
/// <param name="Nid">Node id.</param>
/// <param name="StartPfn">First frame of the node.</param>
/// <param name="SpannedPages">Number of 4 KiB frames the node spans.</param>
[KernelSymbol("include/linux/mmzone.h", "pglist_data")]
public sealed record NumaNode(int Nid, ulong StartPfn, ulong SpannedPages)
{
    /// <summary>One past the node's last frame.</summary>
    public ulong EndPfn => StartPfn + SpannedPages;

    /// <summary>Whether <paramref name="pfn"/> lies in this node.</summary>
    public bool Contains(ulong pfn) => pfn >= StartPfn && pfn < EndPfn;
}
