namespace KernelModel.Mm;

/// <summary>
/// A KSM page's page->mapping (mm/ksm.c, struct ksm_stable_node): the page is anonymous and shared by every
/// (VMA, address) that merged into it, listed as its rmap_items, which is how rmap walks and collect_procs_ksm
/// find its mappers.
/// </summary>
[KernelSymbol("mm/ksm.c", "ksm_stable_node")]
public sealed class KsmStableNode : IPageMapping
{
    private readonly List<(Vma Vma, ulong Address)> _rmapItems = [];

    /// <inheritdoc />
    public bool IsAnon => true;

    /// <summary>The rmap_items: each mapping of the KSM page, in the order they merged.</summary>
    public IReadOnlyList<(Vma Vma, ulong Address)> RmapItems => _rmapItems;

    /// <summary>
    /// Records one more mapping that merged into the page. An address already listed keeps its one entry: the kernel
    /// has a single rmap_item per mm and address (an address whose copy on write broke away and merged again reuses
    /// it), and a duplicate would make an rmap walk visit the mapping twice.
    /// </summary>
    public void AddRmapItem(Vma vma, ulong address)
    {
        if (!_rmapItems.Contains((vma, address)))
        {
            _rmapItems.Add((vma, address));
        }
    }

    /// <summary>Forgets a mapping (unmerge, munmap or exit).</summary>
    public void RemoveRmapItem(Vma vma, ulong address) => _rmapItems.Remove((vma, address));
}
